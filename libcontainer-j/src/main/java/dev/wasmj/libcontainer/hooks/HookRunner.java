package dev.wasmj.libcontainer.hooks;

import dev.wasmj.libcontainer.process.InitPlan.HookEntry;
import dev.wasmj.libcontainer.syscall.FdStreams;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs OCI hooks in order: each gets the container state JSON on stdin, its stdout and stderr go to the
 * given fd, and a hook that fails or outlives its timeout stops the sequence. Hooks are spawned through
 * {@link Syscalls#spawn} and reaped by pid, never through ProcessBuilder (which is unusable after
 * pivot_root and would race with a reaper owning waitpid(-1)).
 */
public final class HookRunner {

    private final Syscalls sys;
    private final int outputFd;

    public HookRunner(Syscalls sys, int outputFd) {
        this.sys = sys;
        this.outputFd = outputFd;
    }

    public void run(String phase, List<HookEntry> hooks, String stateJson) throws HookException {
        for (int i = 0; i < hooks.size(); i++) runOne(phase + "[" + i + "]", hooks.get(i), stateJson);
    }

    private void runOne(String name, HookEntry hook, String stateJson) throws HookException {
        int[] stdin = sys.pipe();
        int pid;
        try {
            SpawnRequest request = SpawnRequest.builder(hook.path())
                    .argv(hook.args().isEmpty() ? List.of(hook.path()) : hook.args())
                    .env(hook.env())
                    .fd(0, stdin[0])
                    .fd(1, outputFd)
                    .fd(2, outputFd)
                    .build();
            pid = sys.spawn(request);
        } catch (SyscallException e) {
            sys.close(stdin[0]);
            sys.close(stdin[1]);
            throw new HookException("hook " + name + " " + hook.path() + ": cannot start: " + e.getMessage());
        }
        sys.close(stdin[0]);
        try (OutputStream out = FdStreams.output(sys, stdin[1])) {
            out.write(stateJson.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // A hook that does not read its stdin may close it: that is its business.
        }
        WaitStatus status = await(pid, hook.timeoutSeconds());
        if (status == null) {
            throw new HookException("hook " + name + " " + hook.path() + ": timed out after " + hook.timeoutSeconds() + " s");
        }
        if (status.toExitStatus() != 0) {
            throw new HookException("hook " + name + " " + hook.path() + ": " + status);
        }
    }

    /** Waits for the hook; on timeout kills and reaps it and returns null. */
    private WaitStatus await(int pid, int timeoutSeconds) {
        if (timeoutSeconds <= 0) return sys.waitpid(pid, 0);
        return sys.waitpidOrKill(pid, timeoutSeconds * 1000L);
    }
}
