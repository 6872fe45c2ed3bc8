package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import dev.wasmj.libcontainer.syscall.Signals;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /**
     * Ends a watched process that may still run (an init that was created but never started, when its
     * container is deleted): SIGKILL unless its exit is already known, then that exit as its watcher reports
     * it, or empty if it did not come within {@code timeout}.
     */
    public static <T> Optional<T> killAndAwait(Syscalls sys, int pid, Future<T> exit, Duration timeout)
            throws InterruptedException {
        if (!exit.isDone()) {
            try {
                sys.kill(pid, Signals.SIGKILL);
            } catch (SyscallException ignored) {
                // already gone; its watcher reports the exit
            }
        }
        try {
            return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit watcher of " + pid + " failed", e.getCause());
        }
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
