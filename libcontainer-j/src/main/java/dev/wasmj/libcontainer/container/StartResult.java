package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The read side of a container's start-result fifo: after {@code start} opened the gate, it learns here
 * whether the workload started. The init holds the write side: an execve that succeeds closes it (it is
 * close-on-exec), an in-process workload closes it once confined, and a workload that cannot start writes
 * why before the init exits. So an end without a word means started.
 *
 * <p>It must be opened before the gate: once every writer and reader of a fifo is gone its contents are too,
 * and an init that fails at once could otherwise take its reason with it.
 */
final class StartResult implements AutoCloseable {
    private static final int POLL_MILLIS = 100;

    private final Syscalls sys;
    private final int fd;

    /** Opens without waiting for a writer (the init holds one open, or is gone). */
    StartResult(Syscalls sys, Path fifo) {
        this.sys = sys;
        this.fd = sys.open(fifo.toString(), OpenFlags.RDONLY | OpenFlags.NONBLOCK, 0);
    }

    /**
     * Waits for the init's word: empty when the workload started, else the reason it did not. Returns early,
     * empty, if the init dies without a word (then the container is simply stopped).
     */
    String await(int initPid, long initStartTime) {
        ByteArrayOutputStream reason = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (true) {
            if (sys.poll(fd, Syscalls.POLLIN, POLL_MILLIS) == 0) {
                if (!ProcessProbe.isAlive(initPid, initStartTime)) break;
                continue;
            }
            int n;
            try {
                n = sys.read(fd, buffer, 0, buffer.length);
            } catch (SyscallException e) {
                if (e.errno() == Errno.EAGAIN) continue;
                throw e;
            }
            if (n == 0) break;
            reason.write(buffer, 0, n);
        }
        return reason.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        sys.close(fd);
    }
}
