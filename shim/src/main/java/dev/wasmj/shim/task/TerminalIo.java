package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.log.ShimLog;
import java.time.Duration;

/**
 * A process on a terminal ({@code ctr run -t}, {@code exec -t}, CRI's tty): the shim holds the pty master and
 * copies between it and containerd's FIFOs: stdin FIFO to master, master to the stdout FIFO (a terminal has
 * one output: stderr is the same pty, as with runc). When containerd's stdin writer goes (the user's ctr or
 * stream is gone) the terminal is hung up, as runc's shim does, so the session gets SIGHUP; CloseIO only stops
 * the input. {@link #awaitOutput} lets the exit wait until what the process wrote is out; {@link #close}
 * releases everything.
 *
 * <p>No copy can block for good: both poll with a timeout and look whether they should stop, the stdout FIFO is
 * written non-blocking (nobody may be reading), and a write to the master only blocks while the process does
 * not read, which ends when it exits (EIO). The output copy owns the master and closes it, after the input
 * copy has ended, so no fd number is ever used after it was closed and reused.
 */
final class TerminalIo implements AutoCloseable {
    /** How often the copies look whether they should stop. */
    private static final int POLL_MILLIS = 200;

    private final Syscalls sys;
    private final ShimLog log;
    private final String name;
    private final int master;
    private final int stdout;
    private final String stdinPath;
    private final Thread output;
    private final Thread input;
    /** Guards the master against resize after close; held only for non-blocking calls. */
    private final Object masterLock = new Object();
    private volatile boolean inputOpen;
    private volatile boolean closed;
    private boolean masterClosed; // under masterLock

    private TerminalIo(Syscalls sys, ShimLog log, String name, int master, int stdout, String stdinPath) {
        this.sys = sys;
        this.log = log;
        this.name = name;
        this.master = master;
        this.stdout = stdout;
        this.stdinPath = stdinPath;
        this.inputOpen = stdinPath != null && !stdinPath.isEmpty();
        this.output = new Thread(this::copyOutput, "tty-out-" + name);
        this.output.setDaemon(true);
        this.input = inputOpen ? new Thread(this::copyInput, "tty-in-" + name) : null;
        if (input != null) input.setDaemon(true);
    }

    /** Takes over {@code master} (closed by the output copy as it ends) and starts copying. */
    static TerminalIo start(Syscalls sys, ShimLog log, String name, int master, String stdinPath, String stdoutPath) {
        int out;
        try {
            // Read-write, as for a plain process: the open never waits for containerd's reader. Non-blocking: a
            // reader that is gone must not hold the copy (and the master) for good.
            out = stdoutPath == null || stdoutPath.isEmpty() ? sys.open("/dev/null", OpenFlags.WRONLY, 0)
                    : sys.open(stdoutPath, OpenFlags.RDWR | OpenFlags.NONBLOCK, 0);
        } catch (RuntimeException e) {
            sys.close(master);
            log.error("no terminal for " + name + ": cannot open its stdout " + stdoutPath + ": " + e.getMessage());
            throw e;
        }
        TerminalIo io = new TerminalIo(sys, log, name, master, out, stdinPath);
        if (io.input != null) io.input.start();
        io.output.start();
        log.debug("terminal of " + name + " set up");
        return io;
    }

    /** stdin FIFO -> master, until CloseIO or close; when containerd's writer goes, the terminal is hung up. */
    private void copyInput() {
        int fifo = -1;
        try {
            // Non-blocking: the open does not wait for containerd's writer (which may never come, or come after the
            // FIFO is gone), and poll reports nothing until a writer has come; POLLHUP once it has gone.
            fifo = sys.open(stdinPath, OpenFlags.RDONLY | OpenFlags.NONBLOCK, 0);
            byte[] buffer = new byte[32 * 1024];
            while (inputOpen && !closed) {
                if (sys.poll(fifo, Syscalls.POLLIN, POLL_MILLIS) == 0) continue; // to notice CloseIO and close
                int n;
                try {
                    n = sys.read(fifo, buffer, 0, buffer.length);
                } catch (SyscallException e) {
                    if (e.errno() == Errno.EAGAIN) continue;
                    throw e;
                }
                if (n <= 0) {
                    if (inputOpen && !closed) {
                        log.debug("terminal of " + name + ": its input went away, hanging up");
                        closed = true; // the output copy closes the master: the session gets SIGHUP
                    }
                    break;
                }
                if (!inputOpen || closed) break;
                // Blocks only while the process does not read its terminal; ends with EIO when it exits.
                for (int off = 0; off < n; ) off += sys.write(master, buffer, off, n - off);
            }
        } catch (RuntimeException e) {
            if (!closed) log.debug("terminal input of " + name + " ended: " + e.getMessage());
        } finally {
            if (fifo >= 0) closeQuietly(fifo);
        }
    }

    /** master -> stdout FIFO until every holder of the slave is gone (read gives EIO) or the terminal is closed. */
    private void copyOutput() {
        byte[] buffer = new byte[32 * 1024];
        try {
            while (!closed) {
                if (sys.poll(master, Syscalls.POLLIN, POLL_MILLIS) == 0) continue;
                int n = sys.read(master, buffer, 0, buffer.length);
                if (n <= 0) break;
                writeOut(buffer, n);
            }
        } catch (RuntimeException e) {
            // EIO: the slave's last holder closed it (the process and its children are gone)
        } finally {
            closed = true;
            if (input != null) {
                try {
                    input.join(4L * POLL_MILLIS); // it ends at its next poll, or its blocked write gets EIO
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (masterLock) {
                masterClosed = true;
                closeQuietly(master);
            }
            closeQuietly(stdout);
        }
    }

    /** To the stdout FIFO; gives up when the terminal is closed while nobody reads (the FIFO is full). */
    private void writeOut(byte[] buffer, int n) {
        for (int off = 0; off < n; ) {
            try {
                off += sys.write(stdout, buffer, off, n - off);
            } catch (SyscallException e) {
                if (e.errno() != Errno.EAGAIN) throw e;
                if (closed) return;
                sys.poll(stdout, Syscalls.POLLOUT, POLL_MILLIS);
            }
        }
    }

    /** TIOCSWINSZ on the master: the process gets SIGWINCH. False once the terminal is gone. */
    boolean resize(int rows, int columns) {
        synchronized (masterLock) {
            if (masterClosed || closed) return false;
            sys.setWindowSize(master, rows, columns);
        }
        log.debug("terminal of " + name + " resized to " + columns + "x" + rows);
        return true;
    }

    /** CloseIO{stdin}: no more input reaches the process. */
    void closeInput() {
        inputOpen = false;
    }

    /** Waits until the output is drained (the slave closed by its last holder), at most {@code timeout}. */
    boolean awaitOutput(Duration timeout) {
        try {
            output.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !output.isAlive();
    }

    /** Stops both copies; the output copy closes the master and the FIFO as it ends. */
    @Override
    public void close() {
        inputOpen = false;
        closed = true;
        awaitOutput(Duration.ofMillis(8L * POLL_MILLIS));
        log.debug("terminal of " + name + " torn down");
    }

    private void closeQuietly(int fd) {
        try {
            sys.close(fd);
        } catch (SyscallException ignored) {
            // closing is all that was wanted
        }
    }
}
