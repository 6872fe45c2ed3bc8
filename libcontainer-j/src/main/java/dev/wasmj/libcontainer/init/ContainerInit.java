package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.hooks.HookException;
import dev.wasmj.libcontainer.hooks.HookRunner;
import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.process.InitPlan;
import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.process.SyncChannel;
import dev.wasmj.libcontainer.rootfs.Devices;
import dev.wasmj.libcontainer.rootfs.MountNamespaceJoin;
import dev.wasmj.libcontainer.rootfs.Mounter;
import dev.wasmj.libcontainer.rootfs.PathRestrictions;
import dev.wasmj.libcontainer.rootfs.PivotRoot;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.workload.Executor;
import dev.wasmj.libcontainer.workload.ExecutorException;
import dev.wasmj.libcontainer.workload.WorkloadContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The set-up that must happen inside the container, in youki's order: rootfs mounts and devices,
 * hostname, createRuntime hooks (run by the runtime), createContainer hooks, pivot_root, sysctl,
 * masked/read-only paths, read-only root, process attributes, executor validation, READY; then wait for
 * start, startContainer hooks, and hand over to the executor.
 */
public final class ContainerInit {
    /** The packages whose classes the init uses; the runtime-side ones (container, cgroups, cli) it never loads. */
    static final java.util.List<String> INIT_PACKAGES = java.util.List.of(
            "dev.wasmj.libcontainer.init", "dev.wasmj.libcontainer.process", "dev.wasmj.libcontainer.rootfs",
            "dev.wasmj.libcontainer.syscall", "dev.wasmj.libcontainer.workload", "dev.wasmj.libcontainer.hooks");

    private final Syscalls sys;
    private final SyncChannel channel;
    private final InitPlan plan;
    private final Executor executor;
    private final InitLog log;
    private final WorkloadContext workload;
    private StartReport startReport;
    private String execOnlyBecause;

    public ContainerInit(Syscalls sys, SyncChannel channel, InitPlan plan, Executor executor, InitLog log) {
        this.sys = sys;
        this.channel = channel;
        this.plan = plan;
        this.executor = executor;
        this.log = log;
        this.workload = new WorkloadContext(plan.containerId(), plan.rootfs(),
                plan.newMountNamespace() && plan.joinMountNamespace() == null, plan.process(), plan.preservedFds(), sys);
    }

    /** The workload must be a program exec'd from this thread, not a module run in this JVM, for this reason. */
    public void requireExec(String because) {
        execOnlyBecause = because;
    }

    /** Everything up to READY. Throws with a message for the user when the container cannot be created. */
    public int setUp(SetUpSteps steps) throws Exception {
        log.debug("plan received");
        if (plan.newMountNamespace()) prepareRootfs();
        steps.done("rootfs");
        log.debug("rootfs prepared");
        if (plan.process().terminal()) new Console(sys).setUp(plan.rootfs(), plan.process());
        if (plan.newUtsNamespace()) setNames();
        if (plan.hasCreateRuntimeHooks()) runCreateRuntimeHooks();
        new HookRunner(sys, InitFds.LOG).run("createContainer", plan.createContainerHooks(), stateJson("created"));
        int startGate = InitFds.START_GATE;
        startReport = new StartReport(sys, InitFds.START_RESULT);
        steps.done("hooks");
        executor.prepare(workload);
        ClassPreloader.preloadIfDirectory(ContainerInit.class, INIT_PACKAGES);
        steps.done("executor");
        log.debug("executor prepared, pivoting");
        if (plan.newMountNamespace()) {
            new PivotRoot(sys).pivot(plan.rootfs());
            applySysctl();
            PathRestrictions restrictions = new PathRestrictions(sys);
            restrictions.mask(plan.maskedPaths());
            restrictions.makeReadonly(plan.readonlyPaths());
            if (plan.readonlyRoot()) restrictions.makeRootReadonly();
        } else {
            // Another container's mount namespace (its files, as they are), or none of its own: the runtime's.
            if (plan.joinMountNamespace() != null) new MountNamespaceJoin(sys).join(plan.joinMountNamespace());
            applySysctl();
        }
        new ProcessAttributes(sys, log).apply(plan.process());
        executor.validate(workload);
        if (executor.runsInProcess()) {
            if (execOnlyBecause != null) {
                throw new ExecutorException((plan.process().args().isEmpty() ? "the entrypoint" : plan.process().args().get(0))
                        + " is not a Linux program, and " + execOnlyBecause);
            }
            refuseAFilterTheJvmCannotLiveUnder();
            refuseAJoinedMountNamespace();
        }
        steps.done("pivot and the rest");
        log.debug("set-up done, waiting for start");
        return startGate;
    }

    /**
     * Blocks until `start` writes to the exec fifo, then runs startContainer hooks and the workload. A workload
     * that runs in this JVM gets the spec's identity and confinement first, on every thread of the JVM
     * ({@link InProcessIdentity}): an executor that replaces the process applies them itself, at its execve.
     */
    public int startWorkload(int startGate) throws Exception {
        byte[] one = new byte[1];
        if (sys.read(startGate, one, 0, 1) != 1) throw new IOException("start gate closed without a start");
        sys.close(startGate);
        new HookRunner(sys, InitFds.LOG).run("startContainer", plan.startContainerHooks(), stateJson("running"));
        sys.chdir(plan.process().cwd());
        if (plan.process().terminal()) new Console(sys).becomeControllingTerminal();
        if (executor.runsInProcess()) {
            sys.confineProcess(InProcessIdentity.of(plan.process()));
            log.debug("workload confined: uid " + plan.process().uid() + ", gid " + plan.process().gid()
                    + (plan.process().seccompFilter() == null ? "" : ", seccomp on every thread"));
            startReport.started();
        }
        return executor.run(workload);
    }

    /**
     * Only the init's main thread joins another mount namespace; the JVM's other threads stay in the runtime's,
     * with its files. A native program's execve ends them, but an in-process workload would share an address
     * space with threads that can reach the host's files: refused.
     */
    private void refuseAJoinedMountNamespace() throws ExecutorException {
        if (plan.joinMountNamespace() == null) return;
        throw new ExecutorException("config.json: linux.namespaces: joining a mount namespace by path ("
                + plan.joinMountNamespace() + ") works for native programs only: a Wasm module runs in the init JVM,"
                + " whose other threads stay in the runtime's mount namespace; give the container a mount namespace"
                + " of its own");
    }

    /** Tells `start` why the workload did not start; nothing once it has. */
    public void startFailed(String reason) {
        if (startReport != null) startReport.failed(reason);
    }

    /**
     * A workload run in this JVM runs under the container's seccomp filter together with the JVM: a filter
     * that denies what the JVM needs would hang or crash it mid-run, so it is refused before the container is
     * created, naming the calls.
     */
    private void refuseAFilterTheJvmCannotLiveUnder() throws ExecutorException {
        java.util.List<String> denied = plan.process().jvmSyscallsDenied();
        if (denied.isEmpty()) return;
        throw new ExecutorException("config.json: linux.seccomp: the profile denies " + String.join(", ", denied)
                + ", which the init JVM needs to run this workload in-process (the module runs in the JVM, under"
                + " the same filter); allow " + (denied.size() == 1 ? "it" : "them") + " in the profile");
    }

    private void prepareRootfs() throws IOException {
        // Nothing mounted from here on may propagate back to the host.
        sys.mount(null, "/", null, plan.rootPropagation(), null);
        // pivot_root needs the rootfs to be a mount point.
        sys.mount(plan.rootfs(), plan.rootfs(), null, MountFlags.BIND | MountFlags.REC, null);
        Path rootfs = Path.of(plan.rootfs());
        Mounter mounter = new Mounter(sys, rootfs, plan.cgroup2Path());
        for (MountEntry m : plan.mounts()) {
            try {
                mounter.mount(m);
            } catch (RuntimeException | IOException e) {
                throw new IOException("mount " + m.destination() + " (" + m.type() + "): " + e.getMessage(), e);
            }
        }
        new Devices(sys, rootfs).create(plan.devices());
        Path cwd = rootfs.resolve(plan.process().cwd().substring(1));
        if (!Files.isDirectory(cwd)) Files.createDirectories(cwd);
    }

    private void setNames() {
        if (plan.hostname() != null) sys.sethostname(plan.hostname());
        if (plan.domainname() != null) sys.setdomainname(plan.domainname());
    }

    private void runCreateRuntimeHooks() throws IOException, HookException {
        channel.send(SyncChannel.Type.RUN_CREATE_RUNTIME_HOOKS, "");
        SyncChannel.Message reply = channel.receive();
        if (reply == null) throw new IOException("the runtime went away during create");
        if (reply.type() == SyncChannel.Type.HOOKS_FAILED) throw new HookException(reply.text());
    }

    private void applySysctl() throws IOException {
        for (Map.Entry<String, String> e : plan.sysctl().entrySet()) {
            Path file = Path.of("/proc/sys", e.getKey().replace('.', '/'));
            try {
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            } catch (IOException ex) {
                throw new IOException("sysctl " + e.getKey() + "=" + e.getValue() + ": " + ex.getMessage(), ex);
            }
        }
    }

    private String stateJson(String status) {
        return "{\"ociVersion\":\"1.2.0\",\"id\":\"" + plan.containerId() + "\",\"status\":\"" + status
                + "\",\"pid\":1,\"bundle\":\"\"}";
    }

    /** Executor failures keep their own message; everything else is prefixed with the step's context. */
    static String describe(Throwable t) {
        if (t instanceof ExecutorException || t instanceof HookException) return t.getMessage();
        String msg = t.getMessage();
        return msg == null ? t.toString() : msg;
    }
}
