package dev.wasmj.shim.task;

import dev.wasmj.shim.proto.types.task.Status;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.util.concurrent.CompletableFuture;

/** A process the task service answers for: a container's init, or a process added with Exec. */
abstract class TaskProcess {
    final String containerId;
    final String execId; // "" for the init
    final Stdio stdio;
    /** Completed by the process's {@link ExitWatcher} once it is reaped. */
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    volatile int pid;
    volatile ProcessIo io;
    /** Instead of {@link #io}, for a process on a terminal. */
    volatile TerminalIo terminal;

    TaskProcess(String containerId, String execId, Stdio stdio) {
        this.containerId = containerId;
        this.execId = execId;
        this.stdio = stdio;
    }

    abstract Status status();

    abstract void start() throws TtrpcException;

    abstract void kill(int signal, boolean all) throws TtrpcException;

    boolean exited() {
        return exit.isDone();
    }

    /** The exit, or null while running. */
    ExitStatus exitStatus() {
        return exit.getNow(null);
    }

    void closeStdin() {
        ProcessIo current = io;
        if (current != null) current.closeStdin();
        TerminalIo tty = terminal;
        if (tty != null) tty.closeInput();
    }

    void closeIo() {
        ProcessIo current = io;
        if (current != null) current.close();
        TerminalIo tty = terminal;
        if (tty != null) tty.close();
    }

    /** Before the exit is reported: what the process wrote to its terminal is out (bounded: a child may hold it). */
    void drainTerminal() {
        TerminalIo tty = terminal;
        if (tty != null) tty.awaitOutput(java.time.Duration.ofSeconds(2));
    }

    String describe() {
        return execId.isEmpty() ? "container " + containerId : "exec " + execId + " of container " + containerId;
    }
}
