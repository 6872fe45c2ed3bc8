package dev.wasmj.shim.log;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a server's log lines go when it serves several containers: containerd reads each container's
 * {@code log} FIFO in its bundle and files what it reads under that container, so a line about a container goes
 * to that container's FIFO, and a line about none to the FIFO of the latest container still here (the
 * first one's may be gone with its bundle), else to where the server's log went before.
 *
 * <p>The server's fd 2, which its children inherit (hooks, and any init not given its container's log), follows
 * the same rule, so it never points at a FIFO nobody reads any more (writing there would fail, or kill a hook).
 */
public final class LogRouter implements ShimLog.Sink {
    /** A log FIFO opened for writing. */
    public record Opened(int fd, PrintStream stream) {}

    /** How FIFOs are opened and closed, and where fd 2 goes; the server's syscalls in production. */
    public interface Fifos {
        /** The FIFO open for writing, or null when nobody reads it. */
        Opened open(Path fifo);

        void close(Opened opened);

        /** Points fd 2 at {@code fd}, or at nothing (/dev/null) when it is -1. */
        void stderrTo(int fd);
    }

    private final ShimLog.Sink fallback;
    private final Fifos fifos;
    private final Map<String, Opened> byContainer = new HashMap<>();
    private final Deque<String> attached = new ArrayDeque<>();

    public LogRouter(ShimLog.Sink fallback, Fifos fifos) {
        this.fallback = fallback;
        this.fifos = fifos;
    }

    /** The container's lines go to {@code fifo} from now on (if it can be opened). */
    public void attach(String containerId, Path fifo) {
        Opened opened = fifos.open(fifo);
        if (opened == null) return;
        Opened old;
        synchronized (this) {
            old = byContainer.put(containerId, opened);
            attached.remove(containerId);
            attached.addLast(containerId);
            fifos.stderrTo(opened.fd());
        }
        if (old != null) fifos.close(old);
    }

    /** The container is gone: its FIFO is closed, its later lines go where unattributed ones go. */
    public void detach(String containerId) {
        Opened old;
        synchronized (this) {
            old = byContainer.remove(containerId);
            if (old == null) return;
            attached.remove(containerId);
            fifos.stderrTo(attached.isEmpty() ? -1 : byContainer.get(attached.peekLast()).fd());
        }
        fifos.close(old);
    }

    /** The fd of the container's log FIFO (for its init and hooks), or -1. */
    public synchronized int fd(String containerId) {
        Opened opened = byContainer.get(containerId);
        return opened == null ? -1 : opened.fd();
    }

    @Override
    public void write(String containerId, String line) {
        synchronized (this) {
            Opened opened = containerId == null ? null : byContainer.get(containerId);
            if (opened == null && !attached.isEmpty()) opened = byContainer.get(attached.peekLast());
            if (opened != null) {
                opened.stream().println(line);
                opened.stream().flush();
                return;
            }
        }
        fallback.write(containerId, line);
    }
}
