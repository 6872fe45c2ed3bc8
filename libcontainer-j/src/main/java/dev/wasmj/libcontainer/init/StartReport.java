package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.nio.charset.StandardCharsets;

/**
 * Tells {@code start} whether the workload started: the init holds the write side of the container's
 * start-result fifo (close-on-exec). A native program's successful execve closes it, an in-process workload
 * closes it once confined, and a workload that cannot start writes the reason, then the init exits.
 * {@code start} reads until the end: nothing means started.
 */
final class StartReport {
    private final Syscalls sys;
    private int fd;

    StartReport(Syscalls sys, int fd) {
        this.sys = sys;
        this.fd = fd;
    }

    void started() {
        close();
    }

    /**
     * Writes the reason and keeps the fifo open: the init is about to exit, and only its exit ends the fifo, so
     * that start returns (and a caller deletes the container) once the exit status is final, not before.
     * Best effort: the reason also goes to the log, and the exit status tells what happened.
     */
    void failed(String reason) {
        if (fd < 0) return;
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        try {
            for (int off = 0; off < bytes.length; ) off += sys.write(fd, bytes, off, bytes.length - off);
        } catch (SyscallException ignored) {
            // nobody reads: start has gone
        }
        fd = -1; // nothing more to say; the exit closes it
    }

    private void close() {
        if (fd < 0) return;
        try {
            sys.close(fd);
        } catch (SyscallException ignored) {
            // closing is all we wanted
        }
        fd = -1;
    }
}
