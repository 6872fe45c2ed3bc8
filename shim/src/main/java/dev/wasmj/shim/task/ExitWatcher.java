package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reaps one child of the shim and reports its exit. Each process the shim spawns gets its own watcher
 * that waits for that pid only: the shim never calls waitpid(-1), so no exit status can be stolen from
 * another waiter (see ../shared/notes/process-model.md, section 6), and the shim spawns nothing else.
 */
public final class ExitWatcher {
    private ExitWatcher() {}

    public static void watch(Syscalls sys, int pid, String name, Consumer<ExitStatus> onExit) {
        Thread t = new Thread(() -> onExit.accept(await(sys, pid)), "wait-" + name + "-" + pid);
        t.setDaemon(true);
        t.start();
    }

    private static ExitStatus await(Syscalls sys, int pid) {
        while (true) {
            try {
                WaitStatus status = sys.waitpid(pid, 0);
                return new ExitStatus(status.toExitStatus(), Instant.now());
            } catch (SyscallException e) {
                if (e.errno() == Errno.EINTR) continue;
                // ECHILD: someone else reaped it; all that is known is that it is gone.
                return new ExitStatus(255, Instant.now());
            }
        }
    }
}
