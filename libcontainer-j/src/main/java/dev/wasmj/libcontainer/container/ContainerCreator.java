package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.Cgroups;
import dev.wasmj.libcontainer.hooks.HookException;
import dev.wasmj.libcontainer.hooks.HookRunner;
import dev.wasmj.libcontainer.process.InitPlan;
import dev.wasmj.libcontainer.process.InitProcess;
import dev.wasmj.libcontainer.process.LaunchOptions;
import dev.wasmj.libcontainer.process.SyncChannel;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import dev.wasmj.oci.runtime.Hooks;
import dev.wasmj.oci.runtime.Spec;
import dev.wasmj.oci.runtime.SpecException;
import dev.wasmj.oci.runtime.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The create step: validate, claim the id, make the cgroup, spawn the init into its namespaces and
 * cgroup, run the createRuntime hooks while it waits, and record the state once it is READY. Any failure
 * undoes all of it: no state directory, cgroup or process is left.
 */
final class ContainerCreator {
    private final Syscalls sys;
    private final StateStore store;

    ContainerCreator(Syscalls sys, StateStore store) {
        this.sys = sys;
        this.store = store;
    }

    Container create(CreateRequest request) throws ContainerException {
        long t0 = System.nanoTime();
        ContainerId.check(request.id);
        Spec spec = loadSpec(request.bundle);
        Path rootfs = rootfs(request.bundle, spec);
        UnsupportedFields.check(spec);
        Namespaces namespaces = Namespaces.of(spec.getLinux());
        WithoutMountNamespace.check(spec, namespaces);
        Sysctls.check(spec.getLinux() == null ? null : spec.getLinux().getSysctl(), namespaces);
        CgroupManager cgroups = cgroups(spec, request.id);
        long specRead = System.nanoTime();

        store.createDirectory(request.id);
        InitProcess init = null;
        int consoleSocket = -1;
        boolean[] cgroupCreated = {false}; // set by the starter once the container's cgroup exists
        try (StateStore.Lock lock = store.lock(request.id)) {
            Path fifo = store.execFifo(request.id);
            sys.mkfifo(fifo.toString(), 0600);
            Path startResult = store.startResultFifo(request.id);
            sys.mkfifo(startResult.toString(), 0600);
            InitPlan plan = plan(request, spec, rootfs, namespaces);
            LaunchOptions options = launchOptions(request, namespaces, cgroups, spec).startFifos(fifo, startResult);
            consoleSocket = connectConsole(request, spec);
            if (consoleSocket >= 0) options.consoleSocket(consoleSocket);
            long launched = System.nanoTime();
            request.debugLog.accept("create " + request.id + ": spec read in " + (specRead - t0) / 1_000_000
                    + " ms, plan ready in " + (launched - specRead) / 1_000_000 + " ms");
            InitStarter starter = new InitStarter(sys, request.debugLog);
            InitStarter.Started started = starter.start(request.id, request.initPool, request.podSandbox, spec, rootfs,
                    plan, options, cgroups, () -> cgroupCreated[0] = true);
            init = started.init();
            closeQuietly(consoleSocket);
            consoleSocket = -1;
            ContainerState state = new ContainerState(request.id, request.bundle.toString(), rootfs.toString(),
                    init.pid(), ProcessProbe.startTime(init.pid()).orElse(-1), Instant.now().toString(),
                    cgroups.path(), false, spec);
            starter.refill(request.id, request.initPool, request.podSandbox, started);
            String initSteps = awaitReady(init, state, request);
            request.debugLog.accept("init of " + request.id + " (pid " + init.pid() + ") ready in "
                    + (System.nanoTime() - launched) / 1_000_000 + " ms (" + initSteps + (started.claimed()
                    ? "; pre-started)" : "; the rest is the JVM's start, and for the first container of a build on this"
                    + " machine the training of the init's class-data archive)"));
            init.close();
            store.save(state);
            return new Container(sys, store, state, cgroups);
        } catch (ContainerException | RuntimeException | IOException e) {
            closeQuietly(consoleSocket);
            if (request.podSandbox && request.initPool != null) request.initPool.endPod(request.id); // it holds the pod's namespaces
            undo(request.id, init, cgroupCreated[0] ? cgroups : null);
            if (e instanceof ContainerException ce) throw ce;
            throw new ContainerException("create " + request.id + ": " + e.getMessage(), e);
        }
    }

    private static InitPlan plan(CreateRequest request, Spec spec, Path rootfs, Namespaces namespaces)
            throws ContainerException {
        try {
            return InitPlanFactory.create(request.id, spec, rootfs, namespaces, request.preservedFds.size(), request.executor);
        } catch (IllegalArgumentException | dev.wasmj.libcontainer.seccomp.SeccompException e) {
            throw new ContainerException("config.json: " + e.getMessage(), e);
        }
    }

    /** runc's rule: a terminal needs a console socket, and a console socket needs a terminal. */
    private int connectConsole(CreateRequest request, Spec spec) throws ContainerException {
        boolean terminal = Boolean.TRUE.equals(spec.getProcess().getTerminal());
        boolean given = request.consoleSocket != null || request.consoleSocketFd >= 0;
        if (terminal && !given) {
            throw new ContainerException("config.json: process.terminal is true but no console socket was given"
                    + " (--console-socket; through containerd: the task was created without a terminal, e.g. ctr run without -t)");
        }
        if (!terminal && given) {
            throw new ContainerException("--console-socket given but config.json: process.terminal is false");
        }
        if (!terminal) return -1;
        if (request.consoleSocketFd >= 0) return sys.dup(request.consoleSocketFd); // closed with the others after the spawn
        try {
            return sys.connectUnix(request.consoleSocket.toAbsolutePath().toString());
        } catch (SyscallException e) {
            throw new ContainerException("--console-socket: " + e.getMessage(), e);
        }
    }

    private void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                sys.close(fd);
            } catch (SyscallException ignored) {
                // closing is all we wanted
            }
        }
    }

    private static Spec loadSpec(Path bundle) throws ContainerException {
        Path config = bundle.resolve("config.json");
        try {
            return SpecLoader.load(config);
        } catch (SpecException e) {
            throw new ContainerException(e.getMessage(), e);
        }
    }

    private static Path rootfs(Path bundle, Spec spec) throws ContainerException {
        Path rootfs = bundle.resolve(spec.getRoot().getPath()).normalize();
        if (!Files.isDirectory(rootfs)) {
            throw new ContainerException("config.json: root.path: rootfs " + rootfs + " does not exist or is not a directory");
        }
        return rootfs;
    }

    private static CgroupManager cgroups(Spec spec, String id) throws ContainerException {
        try {
            return Cgroups.forContainer(spec.getLinux() == null ? null : spec.getLinux().getCgroupsPath(), id);
        } catch (IOException | RuntimeException e) {
            throw new ContainerException("config.json: linux.cgroupsPath: " + e.getMessage(), e);
        }
    }

    private static LaunchOptions launchOptions(CreateRequest request, Namespaces namespaces, CgroupManager cgroups,
            Spec spec) {
        LaunchOptions options = new LaunchOptions()
                .stdio(request.stdin, request.stdout, request.stderr)
                .logFd(request.logFd)
                .cgroupProcsFiles(cgroups.placementFiles())
                .debug(request.debug);
        namespaces.applyTo(options);
        for (int fd : request.preservedFds) options.preserveFd(fd);
        for (Path p : request.executorClasspath) options.classpath(p);
        for (String o : InitJvmSizing.options(spec)) options.jvmOption(o);
        for (String o : request.jvmOptions) options.jvmOption(o);
        return options;
    }

    /**
     * Serves the init's requests until it is READY, and returns what the init said with it (how long its steps
     * took); its ERROR or its death become the exception.
     */
    private String awaitReady(InitProcess init, ContainerState state, CreateRequest request)
            throws IOException, ContainerException {
        while (true) {
            SyncChannel.Message m = init.channel().receive();
            if (m == null) {
                throw new ContainerException("create " + state.id() + ": the container's init exited during set-up ("
                        + exitOf(init.pid()) + ")");
            }
            switch (m.type()) {
                case RUN_CREATE_RUNTIME_HOOKS -> runCreateRuntimeHooks(init, state, request);
                case READY -> {
                    return m.text(); // the init's set-up steps (SetUpSteps)
                }
                case ERROR -> throw new ContainerException("create " + state.id() + ": " + m.text());
                default -> throw new IOException("unexpected message from init: " + m.type());
            }
        }
    }

    private void runCreateRuntimeHooks(InitProcess init, ContainerState state, CreateRequest request) throws IOException {
        Hooks hooks = state.config().getHooks();
        List<dev.wasmj.oci.runtime.Hook> all = new ArrayList<>();
        if (hooks != null && hooks.getPrestart() != null) all.addAll(hooks.getPrestart());
        if (hooks != null && hooks.getCreateRuntime() != null) all.addAll(hooks.getCreateRuntime());
        try {
            new HookRunner(sys, request.logFd).run("createRuntime", InitPlanFactory.hooks(all),
                    StateDocument.json(state, "creating"));
            init.channel().send(SyncChannel.Type.HOOKS_DONE, "");
        } catch (HookException e) {
            init.channel().send(SyncChannel.Type.HOOKS_FAILED, e.getMessage());
        }
    }

    /** Why the init died, once it has: it is our child, so reap it here. */
    private String exitOf(int pid) {
        try {
            WaitStatus status = sys.waitpid(pid, 0);
            String text = status.toString();
            if (status.signaled() && status.termSignal() == Signals.SIGKILL) {
                text += "; if the container has a memory limit, it may be too small for the init JVM";
            }
            return text;
        } catch (SyscallException e) {
            return "exit status unknown: " + e.getMessage();
        }
    }

    private void undo(String id, InitProcess init, CgroupManager cgroups) {
        if (init != null) {
            init.close();
            try {
                sys.kill(init.pid(), Signals.SIGKILL);
            } catch (SyscallException ignored) {
                // already gone
            }
            try {
                sys.waitpid(init.pid(), 0);
            } catch (SyscallException ignored) {
                // already reaped by exitOf
            }
        }
        if (cgroups != null) {
            try {
                cgroups.destroy();
            } catch (IOException | RuntimeException ignored) {
                // reported by the next delete; nothing else can be done here
            }
        }
        try {
            store.remove(id);
        } catch (IOException ignored) {
            // the directory is ours; a leftover would be named by the next create of this id
        }
    }
}
