package dev.wasmj.libcontainer.container;

/** A process started on a terminal of its own: its pid, and the pty master its caller now holds. */
public record TerminalProcess(int pid, int masterFd) {}
