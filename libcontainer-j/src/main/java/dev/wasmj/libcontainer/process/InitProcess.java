package dev.wasmj.libcontainer.process;

import dev.wasmj.libcontainer.syscall.Syscalls;

/** A spawned init JVM: its pid (in the runtime's pid namespace) and the runtime's end of the sync socket. */
public final class InitProcess implements AutoCloseable {
    private final Syscalls sys;
    private final int pid;
    private final int syncFd;
    private final SyncChannel channel;
    private boolean closed;

    InitProcess(Syscalls sys, int pid, int syncFd, SyncChannel channel) {
        this.sys = sys;
        this.pid = pid;
        this.syncFd = syncFd;
        this.channel = channel;
    }

    public int pid() {
        return pid;
    }

    public SyncChannel channel() {
        return channel;
    }

    /** Closes the runtime's end of the sync socket; the init goes on. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            sys.close(syncFd);
        }
    }
}
