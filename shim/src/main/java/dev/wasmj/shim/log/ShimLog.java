package dev.wasmj.shim.log;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shim's log: one logfmt line per event ({@code time=... level=info msg="..." runtime=... id=...}),
 * written to the stream containerd reads (the bundle's {@code log} FIFO, which the shim daemon has as its
 * stderr). Debug lines are written only with {@code -debug}. containerd copies each line into its own log,
 * so this is where a user debugging a failed pod reads the reason.
 */
public final class ShimLog {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    /** Where finished lines go; {@code containerId} is the line's {@code id} field, or null. */
    public interface Sink {
        void write(String containerId, String line);
    }

    private final Sink sink;
    private final boolean debug;
    private final Map<String, String> fields;

    public ShimLog(PrintStream out, boolean debug, Map<String, String> fields) {
        this(streamSink(out), debug, fields);
    }

    private ShimLog(Sink sink, boolean debug, Map<String, String> fields) {
        this.sink = sink;
        this.debug = debug;
        this.fields = new LinkedHashMap<>(fields); // in the caller's order
    }

    private static Sink streamSink(PrintStream out) {
        return (id, line) -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
    }

    /** A log that adds these fields (e.g. {@code id}, {@code pod}) to every line. */
    public ShimLog with(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(fields);
        if (value != null && !value.isEmpty()) more.put(key, value);
        return new ShimLog(sink, debug, more);
    }

    /** This log with its lines sent by container: see {@link LogRouter}, whose fallback is where they went so far. */
    public ShimLog routed(LogRouter.Fifos fifos) {
        return new ShimLog(new LogRouter(sink, fifos), debug, fields);
    }

    /** The container's lines go to its own log FIFO (a routed log; else nothing changes). */
    public void attach(String containerId, Path fifo) {
        if (sink instanceof LogRouter router) router.attach(containerId, fifo);
    }

    public void detach(String containerId) {
        if (sink instanceof LogRouter router) router.detach(containerId);
    }

    /** The fd of the container's own log FIFO, for its init and hooks; -1 when it has none (then fd 2). */
    public int fd(String containerId) {
        return sink instanceof LogRouter router ? router.fd(containerId) : -1;
    }

    public boolean debugEnabled() {
        return debug;
    }

    public void debug(String message) {
        if (debug) write(Level.DEBUG, message, null);
    }

    public void info(String message) {
        write(Level.INFO, message, null);
    }

    public void warn(String message) {
        write(Level.WARN, message, null);
    }

    public void error(String message) {
        write(Level.ERROR, message, null);
    }

    public void error(String message, Throwable cause) {
        write(Level.ERROR, message, cause);
    }

    private void write(Level level, String message, Throwable cause) {
        StringBuilder line = new StringBuilder(128);
        line.append("time=").append(quote(Instant.now().toString()));
        line.append(" level=").append(level.name().toLowerCase());
        String text = cause == null ? message : message + ": " + describe(cause);
        line.append(" msg=").append(quote(text));
        for (Map.Entry<String, String> f : fields.entrySet()) {
            line.append(' ').append(f.getKey()).append('=').append(quote(f.getValue()));
        }
        sink.write(fields.get("id"), line.toString());
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** logfmt: bare when the value has no space, quote or '=', else a quoted string with escapes. */
    static String quote(String value) {
        if (value == null) return "\"\"";
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c > '~') plain = false;
        }
        if (plain) return value;
        StringBuilder b = new StringBuilder(value.length() + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < ' ') b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
