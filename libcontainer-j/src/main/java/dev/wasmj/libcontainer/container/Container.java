package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.Cgroups;
import dev.wasmj.libcontainer.cgroups.FreezerState;
import dev.wasmj.libcontainer.hooks.HookException;
import dev.wasmj.libcontainer.hooks.HookRunner;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import dev.wasmj.oci.runtime.ContainerStatus;
import dev.wasmj.oci.runtime.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A container of this runtime, with the OCI lifecycle: {@link #create}, {@link #start}, {@link #kill},
 * {@link #delete}, {@link #pause}, {@link #resume}, {@link #state} and {@link #pids}. Every operation takes
 * the container's lock, so two commands on one container take turns.
 */
public final class Container {
    private final Syscalls sys;
    private final StateStore store;
    private final CgroupManager cgroups;
    private ContainerState state;

    Container(Syscalls sys, StateStore store, ContainerState state, CgroupManager cgroups) {
        this.sys = sys;
        this.store = store;
        this.state = state;
        this.cgroups = cgroups;
    }

    /** Creates a container from a bundle: its init is set up and waits for {@link #start}. */
    public static Container create(StateStore store, CreateRequest request) throws ContainerException {
        return new ContainerCreator(Syscalls.linux(), store).create(request);
    }

    public static Container load(StateStore store, String id) throws ContainerException {
        ContainerId.check(id);
        ContainerState state = store.load(id);
        try {
            return new Container(Syscalls.linux(), store, state, Cgroups.forContainer(state.cgroupsPath(), id));
        } catch (IOException e) {
            throw new ContainerException("container \"" + id + "\": cgroup " + state.cgroupsPath() + ": " + e.getMessage(), e);
        }
    }

    public String id() {
        return state.id();
    }

    /** The init's pid, in the runtime's pid namespace. */
    public int pid() {
        return state.pid();
    }

    public ContainerState recorded() {
        return state;
    }

    /** The status now: stopped when the init is gone; created until started; paused when frozen. */
    public ContainerStatus status() {
        if (!ProcessProbe.isAlive(state.pid(), state.pidStartTime())) return ContainerStatus.STOPPED;
        if (!state.started()) return ContainerStatus.CREATED;
        try {
            if (cgroups().freezerState() == FreezerState.FROZEN) return ContainerStatus.PAUSED;
        } catch (IOException e) {
            // no freezer to ask: it cannot be paused either
        }
        return ContainerStatus.RUNNING;
    }

    /** The OCI state document. */
    public State state() {
        return StateDocument.of(state, status().jsonName());
    }

    /**
     * Releases the init to run the workload and waits until it has started (a native program exec'd, an
     * in-process one confined), then runs the poststart hooks. A workload that cannot start (a program that
     * cannot be exec'd, an identity that cannot be taken) fails this with the init's reason; the init then
     * exits with 127 (not found) or 126 (not executable), as a shell does.
     */
    public void start() throws ContainerException {
        StartResult result;
        try (StateStore.Lock lock = store.lock(id())) {
            refresh();
            ContainerStatus status = status();
            if (status != ContainerStatus.CREATED) {
                throw new ContainerException("cannot start container \"" + id() + "\": it is " + status.jsonName()
                        + ", not created");
            }
            result = openStartResult();
            try {
                openStartGate();
            } catch (ContainerException | RuntimeException e) {
                result.close();
                throw e;
            }
            state = state.withStarted();
            store.save(state);
        }
        String reason;
        try (result) {
            reason = result.await(state.pid(), state.pidStartTime());
        } catch (SyscallException e) {
            throw new ContainerException("cannot start container \"" + id() + "\": " + e.getMessage(), e);
        }
        if (!reason.isEmpty()) throw new ContainerException("cannot start container \"" + id() + "\": " + reason);
        runHooksLoggingFailures("poststart", state.config().getHooks() == null ? null : state.config().getHooks().getPoststart(),
                ContainerStatus.RUNNING);
    }

    private StartResult openStartResult() throws ContainerException {
        Path fifo = store.startResultFifo(id());
        try {
            return new StartResult(sys, fifo);
        } catch (SyscallException e) {
            throw new ContainerException("cannot start container \"" + id() + "\": " + fifo + ": " + e.getMessage(), e);
        }
    }

    private void openStartGate() throws ContainerException {
        Path fifo = store.execFifo(id());
        int fd;
        try {
            fd = sys.open(fifo.toString(), OpenFlags.WRONLY | OpenFlags.NONBLOCK, 0);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENXIO) {
                throw new ContainerException("cannot start container \"" + id() + "\": its init is not waiting");
            }
            throw new ContainerException("cannot start container \"" + id() + "\": " + fifo + ": " + e.getMessage(), e);
        }
        try {
            sys.write(fd, new byte[] {1}, 0, 1);
        } finally {
            sys.close(fd);
        }
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException ignored) {
            // removed with the state directory on delete
        }
    }

    /** Sends a signal to the init, or with {@code all} to every process of the container. */
    public void kill(int signal, boolean all) throws ContainerException {
        try (StateStore.Lock lock = store.lock(id())) {
            ContainerStatus status = status();
            if (status == ContainerStatus.STOPPED) {
                throw new ContainerException("cannot kill container \"" + id() + "\": it is not running");
            }
            if (all) {
                new ProcessKiller(sys).signalAll(cgroups(), signal);
            } else {
                sys.kill(state.pid(), signal);
            }
        } catch (SyscallException e) {
            if (e.errno() != Errno.ESRCH) throw new ContainerException("kill " + id() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ContainerException("kill " + id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the container: its processes (only when stopped or created, unless {@code force}), its cgroup
     * and its state, then runs the poststop hooks.
     */
    public void delete(boolean force) throws ContainerException {
        try (StateStore.Lock lock = store.lock(id())) {
            ContainerStatus status = status();
            if ((status == ContainerStatus.RUNNING || status == ContainerStatus.PAUSED) && !force) {
                throw new ContainerException("cannot delete container \"" + id() + "\" that is not stopped: "
                        + status.jsonName() + " (use --force)");
            }
            CgroupManager cgroups = cgroups();
            new ProcessKiller(sys).killAllAndWait(cgroups, state.pid(), state.pidStartTime());
            try {
                cgroups.destroy();
            } catch (IOException | RuntimeException e) {
                throw new ContainerException("delete " + id() + ": " + e.getMessage(), e);
            }
            try {
                store.remove(id());
            } catch (IOException e) {
                throw new ContainerException("delete " + id() + ": cannot remove " + store.directory(id()) + ": "
                        + e.getMessage(), e);
            }
        }
        runHooksLoggingFailures("poststop", state.config().getHooks() == null ? null : state.config().getHooks().getPoststop(),
                ContainerStatus.STOPPED);
    }

    public void pause() throws ContainerException {
        try (StateStore.Lock lock = store.lock(id())) {
            requireStatus("pause", ContainerStatus.RUNNING);
            cgroups().freeze();
        } catch (IOException e) {
            throw new ContainerException("pause " + id() + ": " + e.getMessage(), e);
        }
    }

    public void resume() throws ContainerException {
        try (StateStore.Lock lock = store.lock(id())) {
            requireStatus("resume", ContainerStatus.PAUSED);
            cgroups().thaw();
        } catch (IOException e) {
            throw new ContainerException("resume " + id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts a second process in the running container ({@code runc exec}) with these fds of this process
     * as its stdio, and returns its pid. This process is its parent and must reap it.
     */
    public int exec(dev.wasmj.oci.runtime.Process process, int stdin, int stdout, int stderr) throws ContainerException {
        try (StateStore.Lock lock = store.lock(id())) {
            requireStatus("exec in", ContainerStatus.RUNNING);
            return new ContainerExec(sys).exec(state, cgroups(), process, stdin, stdout, stderr);
        }
    }

    /**
     * Runs another process in the container on a terminal of its own ({@code exec -t}): returns its pid and the
     * pty master, which the caller now owns (copies it to and from the user, resizes it, closes it).
     */
    public TerminalProcess execOnTerminal(dev.wasmj.oci.runtime.Process process) throws ContainerException {
        try (StateStore.Lock lock = store.lock(id())) {
            requireStatus("exec in", ContainerStatus.RUNNING);
            return new ContainerExec(sys).execOnTerminal(state, cgroups(), process);
        }
    }

    /** Every process of the container, as pids of the runtime's pid namespace. */
    public List<Long> pids() throws ContainerException {
        try {
            return cgroups().pids();
        } catch (IOException e) {
            throw new ContainerException("ps " + id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits for the init to exit and returns its status, 128+signal for a signal. Only the process that
     * created the container can wait (it is the init's parent).
     */
    public int waitForExit() throws ContainerException {
        try {
            WaitStatus status = sys.waitpid(state.pid(), 0);
            return status.toExitStatus();
        } catch (SyscallException e) {
            throw new ContainerException("wait for " + id() + ": " + e.getMessage()
                    + (e.errno() == Errno.ECHILD ? " (only the process that created the container can wait)" : ""), e);
        }
    }

    public CgroupManager cgroups() {
        return cgroups;
    }

    private void requireStatus(String operation, ContainerStatus wanted) throws ContainerException {
        ContainerStatus status = status();
        if (status != wanted) {
            throw new ContainerException("cannot " + operation + " container \"" + id() + "\": it is " + status.jsonName()
                    + ", not " + wanted.jsonName());
        }
    }

    private void refresh() throws ContainerException {
        state = store.load(id());
    }

    /** Poststart and poststop failures are warnings, by the spec: the lifecycle goes on. */
    private void runHooksLoggingFailures(String phase, List<dev.wasmj.oci.runtime.Hook> hooks, ContainerStatus status) {
        if (hooks == null || hooks.isEmpty()) return;
        try {
            new HookRunner(sys, 2).run(phase, InitPlanFactory.hooks(hooks), StateDocument.json(state, status.jsonName()));
        } catch (HookException e) {
            System.err.println("warning: " + e.getMessage());
        }
    }
}
