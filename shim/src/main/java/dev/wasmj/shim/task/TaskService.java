package dev.wasmj.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.InitPool;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.oci.OciJson;
import dev.wasmj.oci.runtime.LinuxResources;
import dev.wasmj.shim.engine.EngineExecutor;
import dev.wasmj.shim.events.EventPublisher;
import dev.wasmj.shim.events.Timestamps;
import dev.wasmj.shim.image.ImageException;
import dev.wasmj.shim.image.WasmArtifacts;
import dev.wasmj.shim.image.WasmLayerFetcher;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.events.TaskCreate;
import dev.wasmj.shim.proto.events.TaskDelete;
import dev.wasmj.shim.proto.events.TaskExecAdded;
import dev.wasmj.shim.proto.events.TaskExecStarted;
import dev.wasmj.shim.proto.events.TaskExit;
import dev.wasmj.shim.proto.events.TaskIO;
import dev.wasmj.shim.proto.events.TaskOOM;
import dev.wasmj.shim.proto.events.TaskPaused;
import dev.wasmj.shim.proto.events.TaskResumed;
import dev.wasmj.shim.proto.events.TaskStart;
import dev.wasmj.shim.proto.task.v2.CloseIORequest;
import dev.wasmj.shim.proto.task.v2.ConnectRequest;
import dev.wasmj.shim.proto.task.v2.ConnectResponse;
import dev.wasmj.shim.proto.task.v2.CreateTaskRequest;
import dev.wasmj.shim.proto.task.v2.CreateTaskResponse;
import dev.wasmj.shim.proto.task.v2.DeleteRequest;
import dev.wasmj.shim.proto.task.v2.DeleteResponse;
import dev.wasmj.shim.proto.task.v2.ExecProcessRequest;
import dev.wasmj.shim.proto.task.v2.KillRequest;
import dev.wasmj.shim.proto.task.v2.PauseRequest;
import dev.wasmj.shim.proto.task.v2.PidsRequest;
import dev.wasmj.shim.proto.task.v2.PidsResponse;
import dev.wasmj.shim.proto.task.v2.ResizePtyRequest;
import dev.wasmj.shim.proto.task.v2.ResumeRequest;
import dev.wasmj.shim.proto.task.v2.ShutdownRequest;
import dev.wasmj.shim.proto.task.v2.StartRequest;
import dev.wasmj.shim.proto.task.v2.StartResponse;
import dev.wasmj.shim.proto.task.v2.StateRequest;
import dev.wasmj.shim.proto.task.v2.StateResponse;
import dev.wasmj.shim.proto.task.v2.StatsRequest;
import dev.wasmj.shim.proto.task.v2.StatsResponse;
import dev.wasmj.shim.proto.task.v2.UpdateTaskRequest;
import dev.wasmj.shim.proto.task.v2.WaitRequest;
import dev.wasmj.shim.proto.task.v2.WaitResponse;
import dev.wasmj.shim.proto.types.task.ProcessInfo;
import dev.wasmj.shim.proto.types.task.Status;
import dev.wasmj.shim.sandbox.PodSandboxes;
import dev.wasmj.shim.ttrpc.CallContext;
import dev.wasmj.shim.ttrpc.Code;
import dev.wasmj.shim.ttrpc.ServiceRegistry;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * containerd's task service (v2, and v3 with the same messages) over the containers of this shim. Each
 * method maps to one step of libcontainer-j's lifecycle; events are published in lifecycle order.
 */
public final class TaskService {
    public static final String V2 = "containerd.task.v2.Task";
    public static final String V3 = "containerd.task.v3.Task";

    private final Syscalls sys;
    private final ShimLog log;
    private final EventPublisher events;
    private final Workload workload;
    private final String version;
    private final Runnable onShutdown;
    private final RootfsMounts rootfs;
    private final WasmArtifacts artifacts;
    private final PodSandboxes pods;
    private final Map<String, InitTask> tasks = new ConcurrentHashMap<>();
    private InitPool initPool;

    public TaskService(Syscalls sys, ShimLog log, EventPublisher events, Workload workload, String version,
            Runnable onShutdown) {
        this(sys, log, events, workload, WasmArtifacts.none(), PodSandboxes.NONE, version, onShutdown);
    }

    /**
     * @param artifacts where a module that is not in the rootfs may come from: the image's Wasm layers
     * @param pods the pods this server holds through the sandbox API: Shutdown does not end the server while one
     *     is held, and Connect on a pod's id answers its namespace holder's pid
     */
    public TaskService(Syscalls sys, ShimLog log, EventPublisher events, Workload workload, WasmArtifacts artifacts,
            PodSandboxes pods, String version, Runnable onShutdown) {
        this.artifacts = artifacts;
        this.pods = pods;
        this.sys = sys;
        this.log = log;
        this.events = events;
        this.workload = workload;
        this.version = version;
        this.onShutdown = onShutdown;
        this.rootfs = new RootfsMounts(sys);
    }

    /** Where the creates of this server take pre-started init JVMs from (docs/performance.md); none by default. */
    public TaskService initPool(InitPool pool) {
        initPool = pool;
        return this;
    }

    /** Serves every method under both service names: v3's messages are v2's, byte for byte. */
    public void register(ServiceRegistry registry) {
        for (String service : new String[] {V2, V3}) {
            unary(registry, service, "Create", CreateTaskRequest.parser(), this::create);
            unary(registry, service, "Start", StartRequest.parser(), this::start);
            unary(registry, service, "State", StateRequest.parser(), this::state);
            unary(registry, service, "Wait", WaitRequest.parser(), this::await);
            unary(registry, service, "Kill", KillRequest.parser(), this::kill);
            unary(registry, service, "Delete", DeleteRequest.parser(), this::delete);
            unary(registry, service, "Pids", PidsRequest.parser(), this::pids);
            unary(registry, service, "Pause", PauseRequest.parser(), this::pause);
            unary(registry, service, "Resume", ResumeRequest.parser(), this::resume);
            unary(registry, service, "Stats", StatsRequest.parser(), this::stats);
            unary(registry, service, "Update", UpdateTaskRequest.parser(), this::update);
            unary(registry, service, "CloseIO", CloseIORequest.parser(), this::closeIo);
            unary(registry, service, "Connect", ConnectRequest.parser(), this::connect);
            unary(registry, service, "Shutdown", ShutdownRequest.parser(), this::shutdown);
            unary(registry, service, "Exec", ExecProcessRequest.parser(), this::exec);
            unary(registry, service, "ResizePty", ResizePtyRequest.parser(), this::resizePty);
            registry.register(service, "Checkpoint", (c, p) -> unimplemented("Checkpoint"));
        }
    }

    /** A task method: the request in, the response out. */
    @FunctionalInterface
    interface Method<Q, R> {
        R call(Q request) throws TtrpcException;
    }

    /** Registers a task method that, at debug level, logs each call with its container (and exec) id first. */
    private <Q extends Message, R extends MessageLite> void unary(ServiceRegistry registry, String service, String name,
            Parser<Q> parser, Method<Q, R> method) {
        registry.unary(service, name, parser, (context, request) -> {
            if (log.debugEnabled()) logCall(name, request);
            return method.call(request);
        });
    }

    private void logCall(String name, Message request) {
        ShimLog clog = log;
        String id = field(request, "id");
        if (!id.isEmpty()) clog = clog.with("id", id);
        String exec = field(request, "exec_id");
        clog.debug("call " + name + (exec.isEmpty() ? "" : " of exec " + exec));
    }

    /** A string field of a request by its proto name, or "" (the task API names containers "id" throughout). */
    private static String field(Message request, String name) {
        com.google.protobuf.Descriptors.FieldDescriptor f = request.getDescriptorForType().findFieldByName(name);
        return f != null && f.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.STRING
                ? (String) request.getField(f) : "";
    }

    private static com.google.protobuf.ByteString unimplemented(String what) throws TtrpcException {
        throw new TtrpcException(Code.UNIMPLEMENTED, what + " is not supported by this shim yet");
    }

    public int taskCount() {
        return tasks.size();
    }

    // ---- lifecycle ----------------------------------------------------------------------------------

    CreateTaskResponse create(CreateTaskRequest r) throws TtrpcException {
        String id = r.getId();
        ShimLog clog = log.with("id", id);
        long t0 = System.nanoTime();
        if (!tasks.containsKey(id)) log.attach(id, Path.of(r.getBundle()).resolve("log"));
        clog.debug("create: bundle " + r.getBundle() + ", " + r.getRootfsCount() + " rootfs mount(s)");
        if (tasks.containsKey(id)) throw new TtrpcException(Code.ALREADY_EXISTS, "container " + id + " already exists");
        if (!r.getCheckpoint().isEmpty()) {
            log.detach(id);
            throw new TtrpcException(Code.UNIMPLEMENTED, "container " + id + ": restoring a checkpoint is not supported");
        }
        RuntimeOptions options = runtimeOptions(r, clog);
        if (options.refusal() != null) {
            clog.error("create failed: " + options.refusal());
            log.detach(id);
            throw new TtrpcException(Code.FAILED_PRECONDITION, "create " + id + ": " + options.refusal());
        }
        Path bundle = Path.of(r.getBundle());
        Path rootfsDir = BundleState.rootfs(bundle);
        ProcessIo io = null;
        int[] console = null; // a terminal: the init sends the pty master over this socketpair
        boolean mounted = false;
        try {
            rootfs.mount(r.getRootfsList(), rootfsDir);
            mounted = !r.getRootfsList().isEmpty();
            // On a terminal the pty is the process's stdio: the FIFOs are the shim's, copied to and from the master.
            io = r.getTerminal() ? ProcessIo.open(sys, clog, "", "", "") : ProcessIo.open(sys, clog, r.getStdin(), r.getStdout(), r.getStderr());
            clog.debug("create: rootfs and stdio ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            int ownLog = log.fd(id);
            Optional<String> pod = ShimGroup.pod(bundle);
            String group = pod.orElse(id);
            CreateRequest request = CreateRequest.builder(id, bundle)
                    .stdio(io.stdin, io.stdout, io.stderr)
                    .logFd(ownLog >= 0 ? ownLog : 2) // the init's messages and hooks' output: its own log
                    .debug(log.debugEnabled())
                    .debugLog(clog::debug);
            if (r.getTerminal()) {
                console = sys.socketpair();
                request.consoleSocket(console[1]);
            }
            workload.applyTo(request);
            Optional<Path> layers = artifacts.layersFor(id, bundle, rootfsDir);
            if (layers.isPresent()) {
                clog.info("create: the module is the image's Wasm layer, copied to " + layers.get().getParent());
                request.jvmOption("-D" + EngineExecutor.WASM_LAYERS_PROPERTY + "=" + layers.get());
            }
            // A pod's sandbox has the pool start an init in the pod's namespaces and cgroup for the pod's containers;
            // they claim it. Not for a Wasm layer's container: its path is a JVM option of this container alone, so
            // an init started for its kind would never be claimed.
            if (layers.isEmpty()) {
                if (pod.isPresent() && pod.get().equals(id)) request.initPoolForPodOf(initPool);
                else request.initPool(initPool);
            }
            Container container = Container.create(BundleState.store(bundle), request);
            io.closeProcessSide();
            InitTask task = new InitTask(id, bundle, new Stdio(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()), container);
            task.io = io;
            task.group = group;
            if (console != null) {
                sys.close(console[1]);
                console[1] = -1;
                try {
                    task.terminal = TerminalIo.start(sys, clog, id, receiveMaster(container, console[0]), r.getStdin(), r.getStdout());
                } catch (ContainerException | RuntimeException e) {
                    io.close();
                    container.delete(true); // created, but without its terminal it cannot be used: nothing stays
                    if (initPool != null) initPool.endPod(id); // a sandbox's: the init started for its pod goes too
                    throw e;
                }
            }
            tasks.put(id, task);
            ExitWatcher.watch(sys, task.pid, id, exit -> onExit(task, exit));
            clog.info("created, pid " + task.pid);
            events.publish("/tasks/create", TaskCreate.newBuilder().setContainerId(id).setBundle(r.getBundle())
                    .addAllRootfs(r.getRootfsList())
                    .setIo(TaskIO.newBuilder().setStdin(r.getStdin()).setStdout(r.getStdout()).setStderr(r.getStderr()))
                    .setPid(task.pid).build());
            return CreateTaskResponse.newBuilder().setPid(task.pid).build();
        } catch (ContainerException | ImageException | IOException | RuntimeException e) {
            if (io != null) {
                io.closeProcessSide();
                io.close();
            }
            if (mounted) unmountQuietly(clog, rootfsDir);
            WasmLayerFetcher.remove(bundle);
            clog.error("create failed", e);
            log.detach(id);
            Code code = e instanceof ContainerException || e instanceof ImageException ? Code.FAILED_PRECONDITION : Code.INTERNAL;
            throw new TtrpcException(code, "create " + id + ": " + e.getMessage(), e);
        } finally {
            if (console != null) {
                for (int fd : console) {
                    if (fd >= 0) closeQuietly(fd);
                }
            }
        }
    }

    /**
     * The pty master the init sent during create (runc's console-socket protocol over a socketpair). An init that
     * died before sending it leaves the socket without a message: recvFd then reads EOF, since this side holds
     * the only other end.
     */
    private int receiveMaster(Container container, int socket) throws ContainerException {
        try {
            return sys.recvFd(socket);
        } catch (RuntimeException e) {
            throw new ContainerException("create " + container.id() + ": no terminal from the container: " + e.getMessage(), e);
        }
    }

    private void closeQuietly(int fd) {
        try {
            sys.close(fd);
        } catch (RuntimeException ignored) {
            // closing is all that was wanted
        }
    }

    private static RuntimeOptions runtimeOptions(CreateTaskRequest r, ShimLog clog) throws TtrpcException {
        if (!r.hasOptions()) return RuntimeOptions.NONE;
        try {
            RuntimeOptions options = RuntimeOptions.from(r.getOptions());
            clog.debug("create: runtime options " + options);
            return options;
        } catch (InvalidProtocolBufferException e) {
            throw new TtrpcException(Code.INVALID_ARGUMENT, "create " + r.getId() + ": unreadable runtime options ("
                    + r.getOptions().getTypeUrl() + "): " + e.getMessage(), e);
        }
    }

    StartResponse start(StartRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        if (!r.getExecId().isEmpty()) {
            ExecProcess exec = exec(task, r.getExecId());
            exec.start();
            log.with("id", task.containerId).info("exec " + exec.execId + " started, pid " + exec.pid);
            events.publish("/tasks/exec-started", TaskExecStarted.newBuilder().setContainerId(task.containerId)
                    .setExecId(exec.execId).setPid(exec.pid).build());
            return StartResponse.newBuilder().setPid(exec.pid).build();
        }
        synchronized (task) {
            task.start();
            task.started = true;
            log.with("id", task.containerId).info("started");
            events.publish("/tasks/start", TaskStart.newBuilder().setContainerId(task.containerId).setPid(task.pid).build());
        }
        return StartResponse.newBuilder().setPid(task.pid).build();
    }

    /** Runs on the init's watcher thread once it is reaped. */
    private void onExit(InitTask task, ExitStatus exit) {
        // A pod's sandbox (a container of no pod: nothing): the init waiting for its containers ends first, so that
        // the pod's cgroup empties.
        if (initPool != null && task.containerId.equals(task.group)) initPool.endPod(task.containerId);
        synchronized (task) { // after Start's event, never between Start and its event
            ShimLog clog = log.with("id", task.containerId);
            try {
                if (task.container.cgroups().oomKillCount() > 0) {
                    clog.warn("the container's memory limit was reached: a process was OOM-killed");
                    events.publish("/tasks/oom", TaskOOM.newBuilder().setContainerId(task.containerId).build());
                }
            } catch (IOException | RuntimeException e) {
                clog.debug("no OOM count: " + e.getMessage());
            }
            task.drainTerminal();
            clog.info("exited with status " + exit.code());
            events.publish("/tasks/exit", TaskExit.newBuilder().setContainerId(task.containerId).setId(task.containerId)
                    .setPid(task.pid).setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt())).build());
            task.exit.complete(exit);
        }
    }

    StateResponse state(StateRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        TaskProcess p = process(task, r.getExecId());
        StateResponse.Builder b = StateResponse.newBuilder().setId(p.execId.isEmpty() ? task.containerId : p.execId)
                .setExecId(p.execId).setBundle(task.bundle.toString())
                .setPid(p.pid).setStatus(p.status())
                .setStdin(p.stdio.stdin()).setStdout(p.stdio.stdout()).setStderr(p.stdio.stderr())
                .setTerminal(p.stdio.terminal());
        ExitStatus exit = p.exitStatus();
        if (exit != null) b.setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt()));
        return b.build();
    }

    WaitResponse await(WaitRequest r) throws TtrpcException {
        TaskProcess task = process(task(r.getId()), r.getExecId());
        ExitStatus exit;
        try {
            exit = task.exit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TtrpcException(Code.CANCELLED, "wait for " + task.describe() + " interrupted");
        } catch (ExecutionException e) {
            throw new TtrpcException(Code.INTERNAL, e.getCause().getMessage(), e);
        }
        return WaitResponse.newBuilder().setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt())).build();
    }

    Empty kill(KillRequest r) throws TtrpcException {
        TaskProcess task = process(task(r.getId()), r.getExecId());
        log.with("id", task.containerId).debug("kill " + task.describe() + " signal " + r.getSignal() + (r.getAll() ? " to all" : ""));
        task.kill(r.getSignal(), r.getAll());
        return Empty.getDefaultInstance();
    }

    DeleteResponse delete(DeleteRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        if (!r.getExecId().isEmpty()) return deleteExec(task, exec(task, r.getExecId()));
        ShimLog clog = log.with("id", task.containerId);
        Status status = task.status();
        if (status == Status.RUNNING || status == Status.PAUSED) {
            throw new TtrpcException(Code.FAILED_PRECONDITION, "cannot delete " + task.describe() + ": it is "
                    + status.name().toLowerCase() + "; kill it first");
        }
        // A created but never started init: end it here, and let its watcher (its only reaper) see it go.
        ExitStatus exit = endAndAwait(task);
        try {
            task.container.delete(true);
        } catch (ContainerException e) {
            clog.error("delete failed", e);
            throw new TtrpcException(Code.INTERNAL, "delete " + task.containerId + ": " + e.getMessage(), e);
        }
        task.closeIo();
        boolean unmounted = unmountQuietly(clog, BundleState.rootfs(task.bundle));
        WasmLayerFetcher.remove(task.bundle);
        tasks.remove(task.containerId);
        clog.info("deleted");
        log.detach(task.containerId);
        events.publish("/tasks/delete", TaskDelete.newBuilder().setContainerId(task.containerId).setId(task.containerId)
                .setPid(task.pid).setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt())).build());
        DeleteResponse response = DeleteResponse.newBuilder().setPid(task.pid).setExitStatus(exit.code())
                .setExitedAt(Timestamps.of(exit.exitedAt())).build();
        if (unmounted) BundleState.recordCleanDelete(task.bundle, response, clog);
        return response;
    }

    private DeleteResponse deleteExec(InitTask task, ExecProcess exec) throws TtrpcException {
        if (exec.started() && !exec.exited()) {
            throw new TtrpcException(Code.FAILED_PRECONDITION, "cannot delete " + exec.describe() + ": it is running");
        }
        exec.closeIo();
        task.execs.remove(exec.execId);
        ExitStatus exit = exec.exitStatus();
        DeleteResponse.Builder b = DeleteResponse.newBuilder().setPid(exec.pid);
        if (exit != null) b.setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt()));
        return b.build();
    }

    private ExitStatus endAndAwait(TaskProcess process) throws TtrpcException {
        try {
            return ExitWatcher.killAndAwait(sys, process.pid, process.exit, Duration.ofSeconds(10))
                    .orElseThrow(() -> new TtrpcException(Code.DEADLINE_EXCEEDED, process.describe() + " did not exit after SIGKILL"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TtrpcException(Code.CANCELLED, "interrupted");
        }
    }

    /** A terminal's window size (ctr on SIGWINCH, CRI's resize channel): the process gets SIGWINCH. */
    Empty resizePty(ResizePtyRequest r) throws TtrpcException {
        TaskProcess p = process(task(r.getId()), r.getExecId());
        TerminalIo tty = p.terminal;
        if (tty == null) throw new TtrpcException(Code.FAILED_PRECONDITION, p.describe() + " has no terminal");
        if (r.getHeight() == 0 || r.getWidth() == 0) return Empty.getDefaultInstance(); // nothing to set
        if (!tty.resize(r.getHeight(), r.getWidth())) {
            throw new TtrpcException(Code.FAILED_PRECONDITION, p.describe() + ": its terminal is closed");
        }
        return Empty.getDefaultInstance();
    }

    Empty exec(ExecProcessRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        String execId = r.getExecId();
        if (execId.isEmpty()) throw new TtrpcException(Code.INVALID_ARGUMENT, "exec needs an exec id");
        if (task.execs.containsKey(execId)) {
            throw new TtrpcException(Code.ALREADY_EXISTS, "exec " + execId + " already exists in container " + task.containerId);
        }
        dev.wasmj.oci.runtime.Process spec;
        try {
            spec = OciJson.parse(r.getSpec().getValue().toStringUtf8(), "exec " + execId + " process spec",
                    dev.wasmj.oci.runtime.Process.class);
        } catch (RuntimeException e) {
            throw new TtrpcException(Code.INVALID_ARGUMENT, e.getMessage(), e);
        }
        boolean terminal = r.getTerminal() || Boolean.TRUE.equals(spec.getTerminal());
        ProcessIo io = null;
        if (!terminal) { // on a terminal the pty is opened at Start, in the running container
            try {
                io = ProcessIo.open(sys, log.with("id", task.containerId), r.getStdin(), r.getStdout(), r.getStderr());
            } catch (RuntimeException e) {
                throw new TtrpcException(Code.INTERNAL, "exec " + execId + ": stdio: " + e.getMessage(), e);
            }
        }
        Stdio stdio = new Stdio(r.getStdin(), r.getStdout(), r.getStderr(), terminal);
        ExecProcess[] holder = new ExecProcess[1];
        ExecProcess exec = new ExecProcess(task, execId, stdio, spec, io, sys, log.with("id", task.containerId),
                exit -> onExecExit(task, holder[0], exit));
        holder[0] = exec;
        task.execs.put(execId, exec);
        events.publish("/tasks/exec-added", TaskExecAdded.newBuilder().setContainerId(task.containerId).setExecId(execId).build());
        return Empty.getDefaultInstance();
    }

    private void onExecExit(InitTask task, ExecProcess exec, ExitStatus exit) {
        exec.drainTerminal();
        log.with("id", task.containerId).info("exec " + exec.execId + " exited with status " + exit.code());
        events.publish("/tasks/exit", TaskExit.newBuilder().setContainerId(task.containerId).setId(exec.execId)
                .setPid(exec.pid).setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt())).build());
        exec.exit.complete(exit);
    }

    // ---- the container as a whole ---------------------------------------------------------------------

    PidsResponse pids(PidsRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        try {
            PidsResponse.Builder b = PidsResponse.newBuilder();
            for (long pid : task.container.pids()) b.addProcesses(ProcessInfo.newBuilder().setPid((int) pid));
            return b.build();
        } catch (ContainerException e) {
            throw new TtrpcException(Code.INTERNAL, e.getMessage(), e);
        }
    }

    Empty pause(PauseRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        try {
            task.container.pause();
        } catch (ContainerException e) {
            throw new TtrpcException(Code.FAILED_PRECONDITION, e.getMessage(), e);
        }
        events.publish("/tasks/paused", TaskPaused.newBuilder().setContainerId(task.containerId).build());
        return Empty.getDefaultInstance();
    }

    Empty resume(ResumeRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        try {
            task.container.resume();
        } catch (ContainerException e) {
            throw new TtrpcException(Code.FAILED_PRECONDITION, e.getMessage(), e);
        }
        events.publish("/tasks/resumed", TaskResumed.newBuilder().setContainerId(task.containerId).build());
        return Empty.getDefaultInstance();
    }

    StatsResponse stats(StatsRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        try {
            return StatsResponse.newBuilder().setStats(CgroupMetrics.of(task.container.cgroups())).build();
        } catch (IOException e) {
            throw new TtrpcException(Code.INTERNAL, "stats " + task.containerId + ": " + e.getMessage(), e);
        }
    }

    Empty update(UpdateTaskRequest r) throws TtrpcException {
        InitTask task = task(r.getId());
        if (!r.hasResources()) return Empty.getDefaultInstance();
        try {
            LinuxResources resources = OciJson.parse(r.getResources().getValue().toStringUtf8(), "update resources",
                    LinuxResources.class);
            task.container.cgroups().apply(resources);
            log.with("id", task.containerId).info("resources updated");
        } catch (IOException | RuntimeException e) {
            throw new TtrpcException(Code.INVALID_ARGUMENT, "update " + task.containerId + ": " + e.getMessage(), e);
        }
        return Empty.getDefaultInstance();
    }

    Empty closeIo(CloseIORequest r) throws TtrpcException {
        TaskProcess task = process(task(r.getId()), r.getExecId());
        if (r.getStdin()) task.closeStdin();
        return Empty.getDefaultInstance();
    }

    ConnectResponse connect(ConnectRequest r) throws TtrpcException {
        InitTask task = tasks.get(r.getId());
        ConnectResponse.Builder b = ConnectResponse.newBuilder().setShimPid((int) ProcessHandle.current().pid())
                .setVersion(version);
        if (task != null) b.setTaskPid(task.pid);
        pods.holderPid(r.getId()).ifPresent(b::setTaskPid); // containerd 2.x reconnecting to a pod it made here
        return b.build();
    }

    /** The groups ({@link ShimGroup}) of the containers here. */
    public java.util.Set<String> groups() {
        java.util.Set<String> groups = new java.util.HashSet<>();
        for (InitTask task : tasks.values()) groups.add(task.group == null ? task.containerId : task.group);
        return groups;
    }

    /** Whether this server serves no container (pods held through the sandbox API aside). */
    public boolean isEmpty() {
        return tasks.isEmpty();
    }

    Empty shutdown(ShutdownRequest r) {
        if (r.getNow() || (tasks.isEmpty() && !pods.holdsAny())) {
            log.info("shutting down");
            onShutdown.run();
        }
        return Empty.getDefaultInstance();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private InitTask task(String id) throws TtrpcException {
        InitTask task = tasks.get(id);
        if (task == null) throw new TtrpcException(Code.NOT_FOUND, "container " + id + " not found in this shim");
        return task;
    }

    private static TaskProcess process(InitTask task, String execId) throws TtrpcException {
        return execId.isEmpty() ? task : exec(task, execId);
    }

    private static ExecProcess exec(InitTask task, String execId) throws TtrpcException {
        ExecProcess exec = task.execs.get(execId);
        if (exec == null) {
            throw new TtrpcException(Code.NOT_FOUND, "exec " + execId + " not found in container " + task.containerId);
        }
        return exec;
    }

    /** Whether nothing stays mounted there; a failure is logged, and left to the delete command. */
    private boolean unmountQuietly(ShimLog clog, Path dir) {
        try {
            rootfs.unmountAll(dir);
            return true;
        } catch (IOException e) {
            clog.error("unmount rootfs", e);
            return false;
        }
    }
}
