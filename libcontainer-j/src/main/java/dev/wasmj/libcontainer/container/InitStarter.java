package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.Cgroups;
import dev.wasmj.libcontainer.process.InitLauncher;
import dev.wasmj.libcontainer.process.InitPlan;
import dev.wasmj.libcontainer.process.InitProcess;
import dev.wasmj.libcontainer.process.LaunchOptions;
import dev.wasmj.libcontainer.process.LaunchProfile;
import dev.wasmj.libcontainer.process.PrestartedInit;
import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.workload.RootfsExecutableLookup;
import dev.wasmj.oci.runtime.LinuxResources;
import dev.wasmj.oci.runtime.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Gets the container's init running with its plan, in its cgroup: a pre-started one of the request's pool when one
 * of the same {@link LaunchProfile} waits and sees the container's files, else a fresh JVM; then asks the pool for
 * the next one. A pre-started init that cannot serve is discarded and the create goes on with a fresh one.
 */
final class InitStarter {
    /**
     * The running init; whether it was pre-started; its own profile; the profile for the pool's next one (a
     * sandbox's kind, else its own), which the caller asks for ({@link #refill}) once this one has its plan: the
     * next JVM boots while this one sets up, ready sooner for a create that follows right after.
     */
    record Started(InitProcess init, boolean claimed, Optional<LaunchProfile> profile, Optional<LaunchProfile> next) {}

    private final Syscalls sys;
    private final Consumer<String> debug;

    InitStarter(Syscalls sys, Consumer<String> debug) {
        this.sys = sys;
        this.debug = debug;
    }

    /** @param created told once the container's cgroup exists, so that a failure after it removes it */
    Started start(String id, InitPool pool, boolean podSandbox, Spec spec, Path rootfs, InitPlan plan,
            LaunchOptions options, CgroupManager cgroups, Runnable created) throws IOException {
        InitLauncher launcher = new InitLauncher(sys);
        Optional<LaunchProfile> profile = poolable(pool, plan, options, cgroups)
                ? launcher.profile(options, plan.executor(), cgroups.path()) : Optional.empty();
        // A sandbox claims an init started for any pod's sandbox; others one of their own profile.
        Optional<LaunchProfile> kind = !podSandbox ? profile
                : sandboxPoolable(pool, plan, rootfs) ? launcher.sandboxProfile(options, plan.executor(), cgroups.path())
                : Optional.empty();
        if (kind.isPresent() && pool.keepsInitsFor(kind.get())) {
            Optional<InitPool.ReadyInit> ready = pool.claim(kind.get());
            if (ready.isPresent()) {
                InitProcess init = podSandbox ? claimMoving(id, ready.get(), spec, rootfs, plan, options, cgroups, created)
                        : claim(id, ready.get(), spec, rootfs, plan, options, cgroups, created);
                if (init != null) return new Started(init, true, profile, kind);
            } else {
                debug.accept("create " + id + ": no pre-started init of its kind waits: starting one");
            }
        }
        cgroups.create();
        created.run();
        applyLimits(spec, cgroups);
        return new Started(profile.isPresent() ? launcher.launch(plan, options, profile.get().command())
                : launcher.launch(plan, options), false, profile, kind);
    }

    /**
     * Whether an init started before the container could be this one's: a pool, a cgroup that can take over the
     * waiting one's, and a spec whose / propagates mounts no further than a fresh init's would by the time it
     * waits (a waiting init makes its / a slave right after its boot: "shared" propagation would need it a peer).
     */
    private static boolean poolable(InitPool pool, InitPlan plan, LaunchOptions options, CgroupManager cgroups) {
        if (pool == null || !pool.enabled()) return false;
        boolean cgroupNamespace = (options.newNamespaces() & CloneFlags.NEWCGROUP) != 0;
        if (!(cgroupNamespace ? cgroups.canAdoptWithCgroupNamespace() : cgroups.canAdopt())) return false;
        return !asksForSharedPropagation(plan);
    }

    /** Whether the spec wants / or a mount shared with the host's: a waiting init's / is a slave, no longer a peer. */
    private static boolean asksForSharedPropagation(InitPlan plan) {
        return (plan.rootPropagation() & MountFlags.SHARED) != 0
                || plan.mounts().stream().anyMatch(m -> (m.propagation() & MountFlags.SHARED) != 0);
    }

    /**
     * Whether an init started ahead for any pod's sandbox could be this one's: a pool, no shared propagation (as
     * {@link #poolable}), and an entrypoint known to be a Linux program, exec'd from the init's main thread, so that
     * what its JVM was charged before its claim, and its threads outside the pod's network, go at that execve
     * ({@link LaunchProfile#forSandboxes}).
     */
    private static boolean sandboxPoolable(InitPool pool, InitPlan plan, Path rootfs) {
        if (pool == null || !pool.enabled()) return false;
        if (asksForSharedPropagation(plan)) return false;
        InitPlan.ProcessPlan process = plan.process();
        if (process.args().isEmpty() || !plan.newMountNamespace() || plan.joinMountNamespace() != null) return false;
        String path = process.env().stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).findFirst().orElse(null);
        Optional<Path> program = RootfsExecutableLookup.findLinuxProgram(rootfs, process.args().get(0), path, process.cwd());
        if (program.isEmpty()) return false;
        // found before the spec's mounts are made: none of them may cover it
        Path inContainer = Path.of("/").resolve(rootfs.relativize(program.get()));
        return plan.mounts().stream().map(m -> Path.of("/").resolve(m.destination()).normalize()).noneMatch(inContainer::startsWith);
    }

    /**
     * Asks the pool for the next init of this create's kind; after a pod's sandbox, for the first of the pod's
     * containers, unless the pod's cgroup has a memory limit: a waiting JVM would count against it before any
     * container of the pod asked for one (docs/performance.md).
     */
    void refill(String id, InitPool pool, boolean podSandbox, Started started) {
        if (pool == null) return;
        started.next().ifPresent(pool::refill);
        if (!podSandbox || started.profile().isEmpty()) return;
        LaunchProfile profile = started.profile().get();
        if (podMemoryLimited(profile.cgroupParent())) {
            debug.accept("create " + id + ": the pod's cgroup " + profile.cgroupParent() + " has a memory limit: no init waits for its containers");
            return;
        }
        Optional<LaunchProfile> members = profile.forPodMembers(started.init().pid());
        if (members.isPresent()) pool.prestartForPod(id, members.get());
    }

    private static boolean podMemoryLimited(String podCgroup) {
        try {
            return Cgroups.forContainer(podCgroup, "pod").stats().memory().limit() >= 0;
        } catch (IOException | RuntimeException e) {
            return true; // not known: as if limited
        }
    }

    /** The claim of a waiting init; null, with it discarded, when it cannot serve this container. */
    private InitProcess claim(String id, InitPool.ReadyInit claimed, Spec spec, Path rootfs, InitPlan plan,
            LaunchOptions options, CgroupManager cgroups, Runnable created) throws IOException {
        PrestartedInit ready = claimed.init();
        List<Path> mounts = mountsToSendOrDiscard(id, claimed, rootfs, plan);
        if (mounts == null) return null;
        // The fds first (the init acknowledges them, its rootfs attached); then its cgroup becomes the container's
        // and takes the limits; only then the plan, so that nothing of its set-up runs unlimited. Until the plan
        // went, nothing it did reaches beyond its own namespaces: a failure discards it and starts a fresh init;
        // after, it fails the create (nothing is left either way).
        InitProcess init = null;
        boolean adopted = false;
        boolean planSent = false;
        long[] at = new long[4];
        try {
            at[0] = System.nanoTime();
            init = ready.handOver(options, mounts);
            at[1] = System.nanoTime();
            cgroups.adoptLimitedSide(claimed.parking());
            adopted = true;
            at[2] = System.nanoTime();
            applyLimits(spec, cgroups);
            at[3] = System.nanoTime();
            // Until finishAdoption it is in the cgroup it waited in on a hybrid host's cgroup2 side: the plan names
            // the container's, for the container's cgroup mount (CgroupMount).
            String cgroup2Later = cgroups.cgroup2PathAfterAdoption();
            init.channel().sendPlan(cgroup2Later == null ? plan : plan.withCgroup2Path(cgroup2Later));
            planSent = true;
            // The side that only tracks it (cgroup2 on a hybrid host) follows while it sets up: its limits, if any,
            // are written already and it is in place before READY, so before anything of the workload can run.
            cgroups.finishAdoption(claimed.parking());
        } catch (IOException | RuntimeException e) {
            return giveUp(id, claimed, cgroups, adopted, planSent, e);
        }
        created.run();
        debug.accept("create " + id + ": claimed the init pre-started " + ready.ageMillis() + " ms ago (pid " + ready.pid()
                + ", cgroup " + claimed.parking().path() + " is now " + cgroups.path()
                + (mounts.isEmpty() ? "" : ", the mounts of " + mounts + " sent with the claim") + "; fds taken in " + (at[1] - at[0]) / 1_000_000
                + " ms, cgroup taken over in " + (at[2] - at[1]) / 1_000_000 + " ms, limits in " + (at[3] - at[2]) / 1_000_000
                + " ms, then its tracking side in " + (System.nanoTime() - at[3]) / 1_000_000 + " ms)");
        return init;
    }

    /**
     * The claim of an init started for any pod's sandbox: like {@link #claim}, except that its main thread joins the
     * sandbox's network namespace with the fds, and that its cgroup is not renamed but the init moved into the
     * sandbox's cgroup, made and limited first: its cgroup was beside the pods', not in this pod's. What it was
     * charged before goes at the sandbox program's execve (and the init refuses to run anything in its JVM). Null,
     * with it discarded, when it cannot serve.
     */
    private InitProcess claimMoving(String id, InitPool.ReadyInit claimed, Spec spec, Path rootfs, InitPlan plan,
            LaunchOptions options, CgroupManager cgroups, Runnable created) throws IOException {
        PrestartedInit ready = claimed.init();
        List<Path> mounts = mountsToSendOrDiscard(id, claimed, rootfs, plan);
        if (mounts == null) return null;
        InitProcess init = null;
        boolean made = false;
        boolean planSent = false;
        long[] at = new long[3];
        try {
            at[0] = System.nanoTime();
            init = ready.handOver(options, mounts);
            at[1] = System.nanoTime();
            cgroups.create();
            made = true;
            applyLimits(spec, cgroups);
            cgroups.addProcess(ready.pid());
            at[2] = System.nanoTime();
            init.channel().sendPlan(plan);
            planSent = true;
        } catch (IOException | RuntimeException e) {
            return giveUp(id, claimed, cgroups, made, planSent, e);
        }
        try {
            claimed.parking().destroy(); // empty now
        } catch (IOException | RuntimeException e) {
            debug.accept("create " + id + ": cgroup " + claimed.parking().path() + " (empty) could not be removed: " + e.getMessage());
        }
        created.run();
        debug.accept("create " + id + ": claimed the init pre-started for pod sandboxes " + ready.ageMillis() + " ms ago (pid "
                + ready.pid() + ", moved from cgroup " + claimed.parking().path() + " to " + cgroups.path()
                + (mounts.isEmpty() ? "" : ", the mounts of " + mounts + " sent with the claim") + "; fds and network taken in "
                + (at[1] - at[0]) / 1_000_000 + " ms, cgroup made, limited and joined in " + (at[2] - at[1]) / 1_000_000 + " ms)");
        return init;
    }

    /** The mounts to send with the claim ({@link #mountsToSend}), or null, with the init discarded, when it cannot serve. */
    private List<Path> mountsToSendOrDiscard(String id, InitPool.ReadyInit claimed, Path rootfs, InitPlan plan) {
        List<Path> mounts = new ArrayList<>();
        String why = mountsToSend(claimed.init(), rootfs, plan, mounts);
        if (why == null) return mounts;
        debug.accept("create " + id + ": " + why + ": starting a fresh init");
        claimed.discard();
        return null;
    }

    /**
     * A claim that failed: the init discarded (killed and reaped first, its socket closed, the cgroup it waited in
     * removed unless the container's took it over), then the container's cgroup if the claim made it (the fresh
     * init's start makes it again). Null, for a fresh init, while the plan had not gone; after, the failure itself:
     * its set-up may have run the container's createContainer hooks, so no second init.
     */
    private InitProcess giveUp(String id, InitPool.ReadyInit claimed, CgroupManager cgroups, boolean cgroupMade,
            boolean planSent, Exception e) throws IOException {
        debug.accept("create " + id + ": the pre-started init (pid " + claimed.init().pid() + ") cannot serve: " + e.getMessage()
                + ": starting a fresh init");
        claimed.discard();
        if (cgroupMade) {
            try {
                cgroups.destroy();
            } catch (IOException | RuntimeException ignored) {
                // made again (existing is fine) and removed with the container
            }
        }
        if (planSent) throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        return null;
    }

    /**
     * What the waiting init does not see as we do, of the container's rootfs and bind sources, into {@code send}:
     * each was mounted after it was born, where / does not pass mounts on to its mount namespace, and a copy of its
     * mount goes with the claim (the rootfs; a pod's /dev/shm, which containerd mounts for each pod). Returns why it
     * cannot serve instead, when a bind source differs otherwise (a file or directory below a later mount).
     */
    private static String mountsToSend(PrestartedInit ready, Path rootfs, InitPlan plan, List<Path> send) {
        List<Path> sources = bindSources(plan);
        List<Path> needed = new ArrayList<>(sources);
        needed.add(0, rootfs);
        Map<Path, String> unseen = ready.unseen(needed);
        if (unseen.containsKey(rootfs)) send.add(rootfs);
        for (Path source : sources) {
            String why = unseen.get(source);
            if (why == null || send.contains(source)) continue;
            if (!PrestartedInit.isMountPointHere(source) || source.toString().contains("|")) return why;
            // one tree attached over another's path (or over /) would hide it, or never be seen
            if (send.stream().anyMatch(p -> p.startsWith(source) || source.startsWith(p))) return why;
            send.add(source);
        }
        return null;
    }

    /** Every bind mount's source: what the init's mount namespace must show as ours does. */
    private static List<Path> bindSources(InitPlan plan) {
        return plan.mounts().stream().filter(InitPlan.MountEntry::isBind)
                .filter(m -> m.source() != null && m.source().startsWith("/")).map(m -> Path.of(m.source())).toList();
    }

    private static void applyLimits(Spec spec, CgroupManager cgroups) throws IOException {
        if (spec.getLinux() != null && spec.getLinux().getResources() != null) {
            LinuxResources resources = spec.getLinux().getResources();
            cgroups.apply(DeviceRules.withDefaults(resources, spec.getLinux().getDevices()));
        }
    }
}
