package dev.wasmj.libcontainer.workload;

import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.ExecRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Execs the spec's program, with only fds 0-2 (and the preserved ones), a clean signal mask and its env. */
public final class NativeExecutor implements Executor {
    public static final String NAME = "native";

    private Path program;

    @Override
    public void validate(WorkloadContext ctx) throws ExecutorException {
        String argv0 = ctx.args().get(0);
        program = ExecutableLookup.find(argv0, ctx.envValue("PATH").orElse(null), ctx.process().cwd())
                .orElseThrow(() -> new ExecutorException(
                        "exec: \"" + argv0 + "\": executable file not found in $PATH or not executable"));
    }

    @Override
    public int run(WorkloadContext ctx) throws ExecutorException {
        ProcessPlan p = ctx.process();
        Map<Integer, Integer> fds = new LinkedHashMap<>();
        fds.put(0, InitFds.CONTAINER_STDIN);
        fds.put(1, InitFds.CONTAINER_STDOUT);
        fds.put(2, InitFds.CONTAINER_STDERR);
        for (int i = 0; i < ctx.preservedFds(); i++) fds.put(3 + i, InitFds.FIRST_PRESERVED + i);
        ExecRequest request = new ExecRequest(program.toString(), p.args(), p.env(), fds, 3 + ctx.preservedFds(),
                p.uid(), p.gid(), p.additionalGids(), p.capabilities(), p.noNewPrivileges(), p.seccompFilter(),
                p.seccompFlags());
        try {
            ctx.syscalls().exec(request);
        } catch (SyscallException e) {
            throw new ExecutorException("exec " + program + ": " + e.getMessage(), exitStatus(e), e);
        }
        throw new IllegalStateException("exec returned");
    }

    /** A shell's answer: 127 when execve found no such program, 126 when it found one it may not run. */
    static int exitStatus(SyscallException e) {
        boolean notFound = e.call().equals("execve") && (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR);
        return notFound ? ExecutorException.CANNOT_RUN : ExecutorException.NOT_EXECUTABLE;
    }

    @Override
    public boolean runsInProcess() {
        return false;
    }
}
