package dev.wasmj.shim.cli;

import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.oci.runtime.Spec;
import dev.wasmj.oci.runtime.SpecLoader;
import dev.wasmj.shim.events.EventPublisher;
import dev.wasmj.shim.log.ShimLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first Create in a fresh server JVM pays for loading and initialising the JSON binding of the spec
 * (about 200 ms on this project's machine), of the container's state (40-50 ms) and the events'
 * descriptors (30-50 ms). Doing each once with a bundled config.json on a spare thread from the moment the
 * JVM starts, while {@code start} binds the socket and containerd connects (or while a standby waits),
 * takes them off the container's start-up path.
 */
final class WarmUp {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private WarmUp() {}

    /** Starts the warm-up once per JVM, on a daemon thread; failures only reach the debug log. */
    static void start(ShimLog log) {
        start(log, null);
    }

    /**
     * The same for a standby server, which also rehearses {@code start} itself ({@link StartCommand#rehearse}):
     * in a JVM that already serves, start has run by the time a rehearsal would help.
     */
    static void startForStandby(ShimLog log, Syscalls sys) {
        start(log, sys);
    }

    private static void start(ShimLog log, Syscalls rehearseWith) {
        if (!STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> {
            try (InputStream in = WarmUp.class.getResourceAsStream("warmup-config.json")) {
                Spec spec = SpecLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "warm-up config.json");
                SpecLoader.toJson(spec);
                StateStore.warmUp(spec);
            } catch (IOException | RuntimeException e) {
                log.debug("warm-up of the spec and state: " + e.getMessage());
            }
            try {
                EventPublisher.warmUp();
            } catch (IOException | RuntimeException e) {
                log.debug("warm-up of the events: " + e.getMessage());
            }
            try {
                if (rehearseWith != null) StartCommand.rehearse(rehearseWith);
            } catch (IOException | RuntimeException e) {
                log.debug("rehearsal of start: " + e.getMessage());
            }
        }, "warm-up");
        t.setDaemon(true);
        t.start();
    }
}
