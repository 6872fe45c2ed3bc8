package dev.wasmj.libcontainer.init;

import java.io.PrintStream;
import java.time.Instant;

/**
 * The init's diagnostics, as logfmt lines on its log fd. Uses Instant (UTC) only: time zone data cannot be
 * loaded after pivot_root.
 */
public final class InitLog {
    private final PrintStream out;
    private final String containerId;
    private final boolean debug;

    public InitLog(PrintStream out, String containerId, boolean debug) {
        this.out = out;
        this.containerId = containerId;
        this.debug = debug;
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
        out.println("time=\"" + Instant.now() + "\" level=" + level + " msg=" + quote(msg) + " id=" + quote(containerId)
                + " component=init");
        out.flush();
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
