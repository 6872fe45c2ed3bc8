package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.FreezerState;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/** Signals every process of a container's cgroup, and makes sure they are gone before the cgroup is removed. */
final class ProcessKiller {
    private static final long WAIT_NANOS = 10_000_000_000L;

    private final Syscalls sys;

    ProcessKiller(Syscalls sys) {
        this.sys = sys;
    }

    void signalAll(CgroupManager cgroups, int signal) throws IOException {
        for (long pid : cgroups.pids()) {
            try {
                sys.kill((int) pid, signal);
            } catch (SyscallException e) {
                if (e.errno() != Errno.ESRCH) throw e;
            }
        }
    }

    /**
     * SIGKILL to the init and every process of the cgroup, thawing it if frozen (a frozen task cannot die),
     * and wait until the cgroup is empty. If this process is the init's parent, reap it.
     */
    void killAllAndWait(CgroupManager cgroups, int initPid, long initStartTime) throws ContainerException {
        try {
            killAll(cgroups, initPid, initStartTime);
        } catch (IOException e) {
            throw new ContainerException("cannot kill the processes of the container: " + e.getMessage(), e);
        }
        reapIfChild(initPid);
    }

    private void killAll(CgroupManager cgroups, int initPid, long initStartTime) throws IOException, ContainerException {
        if (ProcessProbe.isAlive(initPid, initStartTime)) {
            try {
                sys.kill(initPid, Signals.SIGKILL);
            } catch (SyscallException e) {
                if (e.errno() != Errno.ESRCH) throw e;
            }
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (cgroups.exists() && !cgroups.pids().isEmpty()) {
            signalAll(cgroups, Signals.SIGKILL);
            thawIfFrozen(cgroups);
            if (System.nanoTime() > deadline) {
                throw new ContainerException("processes " + cgroups.pids() + " of the container did not exit after SIGKILL");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** A frozen task cannot act on SIGKILL until thawed. */
    private static void thawIfFrozen(CgroupManager cgroups) {
        try {
            if (cgroups.freezerState() != FreezerState.THAWED) cgroups.thaw();
        } catch (IOException e) {
            // no freezer: nothing can be frozen
        }
    }

    private void reapIfChild(int pid) {
        try {
            // null: our child, still exiting (it left the cgroup before it became a zombie)
            if (sys.waitpid(pid, Syscalls.WNOHANG) == null) sys.waitpid(pid, 0);
        } catch (SyscallException e) {
            // ECHILD: not our child; its parent (or the system's init) reaps it
        }
    }
}
