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
 * one output: stderr is the same pty, as with runc). CloseIO stops the input; {@link #awaitOutput} lets the
 * exit wait until what the process wrote is out; {@link #close} releases the master and the FIFOs.
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
    private volatile boolean inputOpen;
    private volatile boolean closed;

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
    }

    /** Takes over {@code master} (closed by {@link #close}) and starts copying. */
    static TerminalIo start(Syscalls sys, ShimLog log, String name, int master, String stdinPath, String stdoutPath) {
        int out = -1;
        try {
            // Read-write, as for a plain process: the open never waits for containerd's reader.
            out = stdoutPath == null || stdoutPath.isEmpty() ? sys.open("/dev/null", OpenFlags.WRONLY, 0)
                    : sys.open(stdoutPath, OpenFlags.RDWR, 0);
        } catch (RuntimeException e) {
            sys.close(master);
            throw e;
        }
        TerminalIo io = new TerminalIo(sys, log, name, master, out, stdinPath);
        io.output.start();
        if (io.inputOpen) {
            Thread input = new Thread(io::copyInput, "tty-in-" + name);
            input.setDaemon(true);
            input.start();
        }
        log.debug("terminal of " + name + " set up");
        return io;
    }

    /** stdin FIFO -> master, until the writer goes, CloseIO, or the terminal is closed. */
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
                if (n <= 0 || !inputOpen || closed) break;
                synchronized (this) {
                    if (closed) break;
                    for (int off = 0; off < n; ) off += sys.write(master, buffer, off, n - off);
                }
            }
        } catch (RuntimeException e) {
            if (!closed) log.debug("terminal input of " + name + " ended: " + e.getMessage());
        } finally {
            if (fifo >= 0) closeQuietly(fifo);
        }
    }

    /**
     * master -> stdout FIFO until every holder of the slave is gone (read gives EIO) or the terminal is closed.
     * This thread owns the master and stdout fds: it closes them when it ends, so no read ever runs on an fd
     * number that was closed and reused.
     */
    private void copyOutput() {
        byte[] buffer = new byte[32 * 1024];
        try {
            while (!closed) {
                if (sys.poll(master, Syscalls.POLLIN, POLL_MILLIS) == 0) continue;
                int n = sys.read(master, buffer, 0, buffer.length);
                if (n <= 0) break;
                for (int off = 0; off < n; ) off += sys.write(stdout, buffer, off, n - off);
            }
        } catch (RuntimeException e) {
            // EIO: the slave's last holder closed it (the process and its children are gone)
        } finally {
            synchronized (this) {
                closed = true;
                closeQuietly(master);
                closeQuietly(stdout);
            }
        }
    }

    /** TIOCSWINSZ on the master: the process gets SIGWINCH. False once the terminal is gone. */
    synchronized boolean resize(int rows, int columns) {
        if (closed) return false;
        sys.setWindowSize(master, rows, columns);
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

    /** Stops both copies; the output thread closes the master and the FIFO as it ends. */
    @Override
    public void close() {
        inputOpen = false;
        closed = true;
        awaitOutput(Duration.ofMillis(4L * POLL_MILLIS)); // the input copy ends at its next poll
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
