package dev.wasmj.libcontainer.syscall;

import java.util.ArrayList;
import java.util.List;

/** The children a test spawned; {@link #killAll()} SIGKILLs and reaps whichever are still there. */
public final class SpawnedChildren {
    private final Syscalls sys;
    private final List<Integer> pids = new ArrayList<>();

    public SpawnedChildren(Syscalls sys) {
        this.sys = sys;
    }

    public void add(int pid) {
        pids.add(pid);
    }

    /** The test reaped it itself. */
    public void reaped(int pid) {
        pids.remove(Integer.valueOf(pid));
    }

    public void killAll() {
        for (int pid : pids) {
            try {
                sys.kill(pid, Signals.SIGKILL);
            } catch (SyscallException ignored) {
                // gone already
            }
            try {
                sys.waitpid(pid, 0);
            } catch (SyscallException ignored) {
                // reaped already
            }
        }
        pids.clear();
    }
}
