package dev.wasmj.shim.task;

import java.time.Instant;

/** How a container process ended: its exit code, or 128+signal, and when. */
public record ExitStatus(int code, Instant exitedAt) {}
