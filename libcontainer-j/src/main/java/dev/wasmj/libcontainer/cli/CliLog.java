package dev.wasmj.libcontainer.cli;

import dev.wasmj.libcontainer.syscall.FdStreams;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The --log file: one line per event (logfmt, or JSON with --log-format json). Its fd is also handed to
 * the container's init for its diagnostics. Without --log, the init logs to our stderr and this logs nothing.
 */
final class CliLog implements AutoCloseable {
    private final Syscalls sys;
    private final int fd;
    private final boolean json;
    private final OutputStream out;

    private final boolean debug;

    private CliLog(Syscalls sys, int fd, boolean json, boolean debug) {
        this.sys = sys;
        this.fd = fd;
        this.json = json;
        this.debug = debug;
        this.out = fd >= 0 ? FdStreams.output(sys, fd) : null;
    }

    static CliLog open(Main.GlobalOptions options) {
        if (options.logFile == null) return new CliLog(null, -1, false, false);
        Syscalls sys = Syscalls.linux();
        int fd = sys.open(options.logFile.toAbsolutePath().toString(),
                OpenFlags.WRONLY | OpenFlags.CREAT | OpenFlags.APPEND, 0644);
        return new CliLog(sys, fd, "json".equals(options.logFormat), options.debug);
    }

    /** The fd for the init's diagnostics: the log file, else stderr. */
    int fdForInit() {
        return fd >= 0 ? fd : 2;
    }

    void error(String message) {
        write("error", message);
    }

    void debug(String message) {
        if (debug) write("debug", message);
    }

    void info(String message) {
        write("info", message);
    }

    private void write(String level, String message) {
        if (out == null) return;
        String time = Instant.now().toString();
        String line = json
                ? "{\"level\":\"" + level + "\",\"msg\":" + quote(message) + ",\"time\":\"" + time + "\"}\n"
                : "time=\"" + time + "\" level=" + level + " msg=" + quote(message) + "\n";
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the log is best effort; the error also goes to stderr
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() {
        if (fd >= 0) sys.close(fd);
    }
}
