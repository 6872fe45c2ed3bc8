package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.TerminalProcess;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.oci.runtime.Process;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.types.task.Status;
import dev.wasmj.shim.ttrpc.Code;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.util.function.Consumer;

/** A process added to a running container with Exec ({@code ctr task exec}); started by Start{exec_id}. */
final class ExecProcess extends TaskProcess {
    private final InitTask task;
    private final Process spec;
    private final Syscalls sys;
    private final ShimLog log;
    private final Consumer<ExitStatus> onExit;
    private volatile boolean started;

    ExecProcess(InitTask task, String execId, Stdio stdio, Process spec, ProcessIo io, Syscalls sys, ShimLog log,
            Consumer<ExitStatus> onExit) {
        super(task.containerId, execId, stdio);
        this.task = task;
        this.spec = spec;
        this.sys = sys;
        this.log = log;
        this.onExit = onExit;
        this.io = io;
    }

    @Override
    Status status() {
        if (exited()) return Status.STOPPED;
        return started ? Status.RUNNING : Status.CREATED;
    }

    @Override
    synchronized void start() throws TtrpcException {
        if (started) throw new TtrpcException(Code.FAILED_PRECONDITION, describe() + " was already started");
        if (stdio.terminal()) {
            TerminalProcess tty;
            try {
                tty = task.container.execOnTerminal(spec);
            } catch (ContainerException e) {
                log.error("exec " + execId + ": no terminal: " + e.getMessage());
                throw new TtrpcException(Code.FAILED_PRECONDITION, e.getMessage(), e);
            }
            pid = tty.pid();
            try {
                terminal = TerminalIo.start(sys, log, containerId + " exec " + execId, tty.masterFd(), stdio.stdin(), stdio.stdout());
            } catch (RuntimeException e) {
                sys.waitpidOrKill(pid, 0); // running, but nobody could reach it: end and reap it
                throw new TtrpcException(Code.FAILED_PRECONDITION, describe() + ": its terminal: " + e.getMessage(), e);
            }
        } else {
            try {
                pid = task.container.exec(spec, io.stdin, io.stdout, io.stderr);
            } catch (ContainerException e) {
                throw new TtrpcException(Code.FAILED_PRECONDITION, e.getMessage(), e);
            } finally {
                io.closeProcessSide();
            }
        }
        started = true;
        ExitWatcher.watch(sys, pid, containerId + "-" + execId, onExit);
    }

    @Override
    void kill(int signal, boolean all) throws TtrpcException {
        if (!started) throw new TtrpcException(Code.FAILED_PRECONDITION, describe() + " is not started");
        if (exited()) throw new TtrpcException(Code.NOT_FOUND, describe() + ": process already finished");
        try {
            sys.kill(pid, signal);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) throw new TtrpcException(Code.NOT_FOUND, describe() + ": process already finished");
            throw new TtrpcException(Code.INTERNAL, "kill " + describe() + ": " + e.getMessage(), e);
        }
    }

    boolean started() {
        return started;
    }
}
