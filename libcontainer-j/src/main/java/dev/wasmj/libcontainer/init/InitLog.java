package dev.wasmj.libcontainer.init;

import java.io.PrintStream;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The init's diagnostics, as logfmt lines on its log fd. Uses Instant (UTC) only: time zone data cannot be
 * loaded after pivot_root.
 */
public final class InitLog {
    private final Supplier<PrintStream> out;
    private final String containerId;
    private final boolean debug;

    public InitLog(PrintStream out, String containerId, boolean debug) {
        this(() -> out, containerId, debug);
    }

    private InitLog(Supplier<PrintStream> out, String containerId, boolean debug) {
        this.out = out;
        this.containerId = containerId;
        this.debug = debug;
    }

    /**
     * A log on whatever System.err is at each write. The log is fd 2 ({@code InitFds.LOG}) until an executor
     * that runs the workload in this JVM makes fd 2 the container's stderr; it then points System.err at a
     * copy of the log fd, and the init's last words (a trap, a failure) still reach the log, not the container.
     */
    public static InitLog onSystemErr(String containerId, boolean debug) {
        return new InitLog(() -> System.err, containerId, debug);
    }

    public void debug(String msg) {
        if (debug) write("debug", msg);
    }

    public void info(String msg) {
        write("info", msg);
    }

    public void error(String msg) {
        write("error", msg);
    }

    private void write(String level, String msg) {
        PrintStream out = this.out.get();
        out.println("time=\"" + Instant.now() + "\" level=" + level + " msg=" + quote(msg) + " id=" + quote(containerId)
                + " component=init");
        out.flush();
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
