package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.log.ShimLog;

/**
 * The stdio of one container process, from the FIFO paths containerd passes in Create or Exec.
 *
 * <p>stdout and stderr FIFOs are handed to the process itself (opened read-write, so the open never
 * blocks and the reader sees EOF once the process and everything it spawned have exited): no copying,
 * nothing lost at exit. stdin goes through a pipe that the shim feeds from the FIFO, because the
 * process must see EOF when containerd calls CloseIO or the writer goes away, and a FIFO the process held
 * read-write would never give it one. An empty path means /dev/null.
 */
final class ProcessIo implements AutoCloseable {
    private static final int DEV_NULL_MODE = 0;

    private final Syscalls sys;
    private final ShimLog log;
    private final String stdinPath;
    final int stdin;   // the process's side
    final int stdout;
    final int stderr;
    private volatile int stdinFeed = -1; // the shim's side of the stdin pipe
    private Thread copier;
    private boolean processSideClosed;

    private ProcessIo(Syscalls sys, ShimLog log, String stdinPath, int stdin, int stdout, int stderr, int stdinFeed) {
        this.sys = sys;
        this.log = log;
        this.stdinPath = stdinPath;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stdinFeed = stdinFeed;
    }

    static ProcessIo open(Syscalls sys, ShimLog log, String stdinPath, String stdoutPath, String stderrPath)
            throws SyscallException {
        int in = -1, out = -1, err = -1, feed = -1;
        try {
            out = openOutput(sys, stdoutPath);
            err = openOutput(sys, stderrPath);
            if (stdinPath == null || stdinPath.isEmpty()) {
                in = sys.open("/dev/null", OpenFlags.RDONLY, DEV_NULL_MODE);
            } else {
                int[] pipe = sys.pipe();
                in = pipe[0];
                feed = pipe[1];
            }
            ProcessIo io = new ProcessIo(sys, log, stdinPath, in, out, err, feed);
            if (feed >= 0) io.startCopier();
            return io;
        } catch (RuntimeException e) {
            for (int fd : new int[] {in, out, err, feed}) closeQuietly(sys, fd);
            throw e;
        }
    }

    private static int openOutput(Syscalls sys, String path) {
        if (path == null || path.isEmpty()) return sys.open("/dev/null", OpenFlags.WRONLY, DEV_NULL_MODE);
        // Read-write: opening never waits for a reader (containerd's side may open it later).
        return sys.open(path, OpenFlags.RDWR, 0);
    }

    private void startCopier() {
        copier = new Thread(this::copyStdin, "stdin-" + stdinPath);
        copier.setDaemon(true);
        copier.start();
    }

    /** FIFO -> pipe until the writer closes the FIFO or CloseIO closes the pipe. */
    private void copyStdin() {
        int fifo = -1;
        try {
            fifo = sys.open(stdinPath, OpenFlags.RDONLY, 0); // waits for containerd's writer
            byte[] buffer = new byte[32 * 1024];
            while (true) {
                int n = sys.read(fifo, buffer, 0, buffer.length);
                if (n <= 0) break;
                int feed = stdinFeed;
                if (feed < 0) break;
                for (int off = 0; off < n; ) off += sys.write(feed, buffer, off, n - off);
            }
        } catch (RuntimeException e) {
            // EPIPE when the process has exited, EBADF after CloseIO: the copy is over either way.
            log.debug("stdin copy from " + stdinPath + " ended: " + e.getMessage());
        } finally {
            closeQuietly(sys, fifo);
            closeStdin();
        }
    }

    /** CloseIO{stdin}: the process reads EOF once what was already copied is consumed. */
    synchronized void closeStdin() {
        int feed = stdinFeed;
        stdinFeed = -1;
        closeQuietly(sys, feed);
    }

    /** After the process was spawned it holds its own copies: the shim keeps only the stdin feed. */
    synchronized void closeProcessSide() {
        // Once only: a second close of these numbers could close whatever reused them since (another
        // container's FIFO, a ttrpc connection).
        if (processSideClosed) return;
        processSideClosed = true;
        closeQuietly(sys, stdin);
        closeQuietly(sys, stdout);
        closeQuietly(sys, stderr);
    }

    @Override
    public void close() {
        closeStdin();
        if (copier != null && copier.isAlive() && stdinPath != null) {
            // The copier may still wait in open() for a writer that never came: be that writer once.
            try {
                int fd = sys.open(stdinPath, OpenFlags.WRONLY | OpenFlags.NONBLOCK, 0);
                sys.close(fd);
            } catch (RuntimeException ignored) {
                // no FIFO any more, or the copier is already reading: it ends on its own
            }
        }
    }

    private static void closeQuietly(Syscalls sys, int fd) {
        if (fd < 0) return;
        try {
            sys.close(fd);
        } catch (RuntimeException ignored) {
            // already closed
        }
    }
}
