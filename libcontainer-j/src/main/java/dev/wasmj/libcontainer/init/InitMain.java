package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.process.ClaimMessage;
import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.process.InitPlan;
import dev.wasmj.libcontainer.process.SyncChannel;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.workload.Executor;
import dev.wasmj.libcontainer.workload.ExecutorException;
import dev.wasmj.libcontainer.workload.NativeExecutor;
import java.nio.file.Path;

/**
 * The container's init: a JVM spawned by the runtime straight into the container's namespaces and
 * cgroups (see {@link dev.wasmj.libcontainer.process.InitLauncher}). It reads its plan from the sync
 * socket, finishes the set-up from inside, reports READY, waits for start and hands over to the executor.
 */
public final class InitMain {
    /** Exit status when the set-up failed (the runtime reports the reason it got over the sync socket). */
    static final int SETUP_FAILED = 1;
    /** Exit status when the workload could not be started after start (like a shell's "cannot execute"). */
    static final int EXEC_FAILED = ExecutorException.CANNOT_RUN;

    private InitMain() {}

    /**
     * Argument of a training run, followed by the executor's class name: load the init's classes, go through
     * what every init runs before its plan and the executor's {@link Executor#train}, and exit (the JVM dumps
     * a CDS archive of all it loaded at exit).
     */
    public static final String TRAIN = "--train";

    /**
     * Flag of an init started before its container (process.PrestartedInit), followed by the executor's class name:
     * it boots, warms the executor up ({@link Executor#warmUp}), then waits for its claim, which brings the
     * container's fds; the plan follows. The runtime closing the socket instead ends it.
     */
    public static final String READY = "--ready";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(TRAIN)) {
            train(args.length > 1 ? args[1] : NativeExecutor.NAME);
            return;
        }
        SetUpSteps steps = new SetUpSteps();
        // Before anything else: the native binding, and java.nio, which cannot initialise after pivot_root.
        Syscalls sys = Syscalls.linux();
        Path.of("/").getFileSystem();
        steps.done("syscalls");
        java.util.List<String> flags = java.util.List.of(args);
        boolean debug = flags.contains("--debug");
        SyncChannel channel = SyncChannel.over(sys, InitFds.SYNC);
        InitLog log = InitLog.onSystemErr("", debug);
        InitPlan plan;
        ContainerInit init;
        int startGate;
        int ready = flags.indexOf(READY);
        Executor warm = ready >= 0 && ready + 1 < args.length ? warmUp(args[ready + 1], log) : null;
        boolean joinedNetworkLate = false;
        try {
            if (ready >= 0) {
                receiveHostMountsOnly(sys);
                steps.done("warm-up");
                ClaimMessage claim = ClaimedFds.await(sys);
                if (claim == null) { // never claimed: its pool or its server ended
                    leaveCgroup(flags.subList(ready + 2, flags.size()));
                    Runtime.getRuntime().halt(0);
                }
                joinedNetworkLate = claim.joinsNetwork();
                channel.send(SyncChannel.Type.CLAIMED, "");
                steps.done("claim");
            }
            plan = channel.receivePlan();
            log = InitLog.onSystemErr(plan.containerId(), debug);
            Executor executor = warm != null && args[ready + 1].equals(plan.executor()) ? warm : executor(plan.executor());
            init = new ContainerInit(sys, channel, plan, executor, log);
            // Only this thread is in the pod's network namespace, and the JVM was charged elsewhere before its claim:
            // fine for a program exec'd from this thread (the rest of the JVM goes at its execve), not for a module.
            if (joinedNetworkLate) init.requireExec("this init was started ahead for a pod's sandbox, a Linux program");
            steps.done("plan");
            startGate = init.setUp(steps);
            channel.send(SyncChannel.Type.READY, steps.summary());
        } catch (Throwable t) {
            reportAndExit(channel, log, t);
            return;
        }
        sys.close(InitFds.SYNC);
        int status;
        try {
            status = init.startWorkload(startGate);
        } catch (ExecutorException e) {
            log.error((e.exitStatus() == EXEC_FAILED || e.exitStatus() == ExecutorException.NOT_EXECUTABLE
                    ? "cannot start the workload: " : "the workload failed: ") + ContainerInit.describe(e));
            init.startFailed(ContainerInit.describe(e)); // nothing once the workload had started
            status = e.exitStatus();
        } catch (Throwable t) {
            log.error("cannot start the workload: " + ContainerInit.describe(t));
            init.startFailed(ContainerInit.describe(t));
            status = EXEC_FAILED;
        }
        System.out.flush();
        Runtime.getRuntime().halt(status);
    }

    private static void train(String executor) throws Exception {
        ClassPreloader.preloadAll(InitMain.class, ContainerInit.INIT_PACKAGES);
        Path.of("/").getFileSystem();
        // What every init runs before its plan arrives, lambdas included (a dynamic archive keeps the lambda
        // classes of the call sites that ran), then the executor's own training.
        SetUpSteps steps = new SetUpSteps();
        InitLog.onSystemErr("train", false).debug("");
        steps.done("train");
        steps.summary();
        try {
            executor(executor).train();
        } catch (Throwable t) {
            // The init's own classes are loaded: an executor that cannot train only misses its own share.
            System.err.println("training of " + executor + " failed: " + ContainerInit.describe(t));
        }
    }

    /**
     * A pre-started init waits in a copy of the host's mounts: as a slave, the host's later mounts and unmounts
     * reach it where / is shared (so it pins no volume the host unmounts meanwhile), and nothing it does reaches
     * the host. A fresh init makes its / a slave (or private) first thing in its set-up too; a spec that wants it
     * shared gets a fresh init (container.InitStarter).
     */
    private static void receiveHostMountsOnly(Syscalls sys) {
        sys.mount(null, "/", null, MountFlags.SLAVE | MountFlags.REC, null);
    }

    /**
     * A pre-started init whose server went without a claim (a server killed with SIGKILL cannot remove the cgroup
     * it waits in): it moves to the parent of each of its cgroup's directories and removes them. Best effort: the
     * next pre-start beside them, or the shim's delete, sweeps what is left.
     */
    private static void leaveCgroup(java.util.List<String> dirs) {
        for (String dir : dirs) {
            try {
                Path parent = Path.of(dir).getParent();
                java.nio.file.Files.writeString(parent.resolve("cgroup.procs"), "0");
                java.nio.file.Files.delete(Path.of(dir));
            } catch (java.io.IOException | RuntimeException ignored) {
                // swept later
            }
        }
    }

    /** The executor of a pre-started init, warmed up; null (a fresh one after the plan) when that failed. */
    private static Executor warmUp(String name, InitLog log) {
        try {
            Executor executor = executor(name);
            executor.warmUp();
            return executor;
        } catch (Throwable t) {
            log.debug("warm-up of " + name + " failed (its prepare does it all): " + ContainerInit.describe(t));
            return null;
        }
    }

    private static Executor executor(String name) throws ReflectiveOperationException {
        if (name.equals(NativeExecutor.NAME)) return new NativeExecutor();
        return (Executor) Class.forName(name).getDeclaredConstructor().newInstance();
    }

    private static void reportAndExit(SyncChannel channel, InitLog log, Throwable t) {
        String message = ContainerInit.describe(t);
        log.debug("set-up failed: " + message);
        try {
            channel.send(SyncChannel.Type.ERROR, message);
        } catch (Exception ignored) {
            log.error("set-up failed and the runtime is gone: " + message);
        }
        Runtime.getRuntime().halt(SETUP_FAILED);
    }
}
