package dev.wasmj.libcontainer.init;

import java.util.ArrayList;
import java.util.List;

/**
 * How long each of the init's set-up steps took, from the JVM's entry into {@code main}. The init sends
 * the summary with READY and the runtime logs it at debug level beside the whole time it waited, so the
 * difference is the JVM's own start: where a slow container start goes is one log line away.
 */
public final class SetUpSteps {
    private final long start = System.nanoTime();
    private long last = start;
    private final List<String> steps = new ArrayList<>();

    /** Ends the current step, named {@code name}. */
    public void done(String name) {
        long now = System.nanoTime();
        steps.add(name + " " + millis(now - last));
        last = now;
    }

    /** e.g. "77 ms in main: syscalls 0 ms, plan 18 ms, rootfs 6 ms, hooks 0 ms, executor 34 ms, pivot and the rest 18 ms". */
    public String summary() {
        return millis(last - start) + " in main: " + String.join(", ", steps);
    }

    private static String millis(long nanos) {
        return (nanos + 500_000) / 1_000_000 + " ms";
    }
}
