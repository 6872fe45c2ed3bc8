package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.Cgroups;
import dev.wasmj.libcontainer.process.InitLauncher;
import dev.wasmj.libcontainer.process.LaunchProfile;
import dev.wasmj.libcontainer.process.PrestartedInit;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Init JVMs started before their containers, so that a container's create waits for a claim and not for a JVM's
 * start (docs/performance.md). After each create the pool starts one for that create's {@link LaunchProfile}; a
 * later create of the same profile claims it, any other starts fresh. At most {@code capacity} wait at once (the
 * oldest of another profile makes room); one that died or waited longer than {@code idle} is removed; the cgroups
 * of a dead server's ones are swept whenever a pool starts one beside them.
 *
 * <p>A pod's inits join its namespaces and wait in its cgroup: one is started when the pod's sandbox is created
 * ({@link #prestartForPod}), the next after each claim of one, at most one per pod, outside the capacity; they wait
 * at most {@link #POD_IDLE} and end with the pod ({@link #endPod}), which must leave its cgroup empty.
 */
public final class InitPool implements AutoCloseable {
    /** The cgroup a pre-started init waits in: {@code wasmj-ready-<pid of its server>-<n>}, beside the containers'. */
    static final Pattern PARKING = Pattern.compile("wasmj-ready-(\\d+)-\\d+");

    /** Starts an init for a profile in a cgroup of its own. */
    interface Spawner {
        ReadyInit spawn(LaunchProfile profile, String cgroupPath) throws IOException;
    }

    /** A waiting init and the cgroup it waits in, which the container's cgroup takes over at its claim. */
    public record ReadyInit(PrestartedInit init, CgroupManager parking) {
        /** Ends it unclaimed, and removes its cgroup. */
        void discard() {
            init.discard();
            try {
                if (parking.exists()) parking.destroy();
            } catch (IOException | RuntimeException ignored) {
                // removed by the sweep of leftovers next time
            }
        }

        boolean waiting() {
            return init.waiting();
        }

        LaunchProfile profile() {
            return init.profile();
        }

        int pid() {
            return init.pid();
        }
    }

    /** How long after a pod's sandbox the init for the next sandbox starts. */
    static final Duration NEXT_SANDBOX_DELAY = Duration.ofMillis(300);

    /** How long a pod's init waits unclaimed: a pod's containers are created within seconds of its sandbox. */
    static final Duration POD_IDLE = Duration.ofSeconds(30);

    private final int capacity;
    private final boolean podInits;
    private final Duration idle;
    private final Consumer<String> log;
    private final Spawner spawner;
    private final Map<ReadyInit, Long> waiting = new LinkedHashMap<>(); // oldest first
    private final Set<LaunchProfile> starting = new HashSet<>();
    /** The shared namespaces of each pod whose sandbox this server created, by the sandbox's id. */
    private final Map<String, List<LaunchProfile.JoinedNamespace>> pods = new HashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "init-pool");
        t.setDaemon(true);
        return t;
    });
    private boolean closed;

    /**
     * @param capacity how many may wait at once for containers of no pod and for pods' sandboxes; 0: none
     * @param podInits whether pods' containers get inits started ahead in their pod ({@link #prestartForPod})
     * @param idle how long one may wait unclaimed
     * @param log debug lines
     */
    public static InitPool create(Syscalls sys, int capacity, boolean podInits, Duration idle, Consumer<String> log) {
        InitLauncher launcher = new InitLauncher(sys);
        return new InitPool(capacity, podInits, idle, log, (profile, cgroupPath) -> {
            CgroupManager parking = Cgroups.forContainer(cgroupPath, "ready");
            parking.create();
            try {
                return new ReadyInit(launcher.prestart(profile, parking.placementFiles()), parking);
            } catch (IOException | RuntimeException e) {
                parking.destroy();
                throw e;
            }
        });
    }

    InitPool(int capacity, boolean podInits, Duration idle, Consumer<String> log, Spawner spawner) {
        this.capacity = capacity;
        this.podInits = podInits;
        this.idle = idle;
        this.log = log;
        this.spawner = spawner;
        if (enabled()) worker.scheduleWithFixedDelay(this::removeEnded, 2, 2, TimeUnit.SECONDS);
    }

    public boolean enabled() {
        return capacity > 0 || podInits;
    }

    /** Whether inits of this profile may wait here (a pod's in its pod; others only with a capacity). */
    public boolean keepsInitsFor(LaunchProfile profile) {
        return profile.joined().isEmpty() ? capacity > 0 : podInits;
    }

    /** How many wait now. */
    public synchronized int size() {
        return waiting.size();
    }

    /**
     * A waiting init of this profile, taken out of the pool (so no other create gets it), or empty. One that died
     * while it waited is removed on the way.
     */
    public Optional<ReadyInit> claim(LaunchProfile profile) {
        while (true) {
            ReadyInit found = null;
            synchronized (this) {
                for (Iterator<ReadyInit> it = waiting.keySet().iterator(); it.hasNext(); ) {
                    ReadyInit init = it.next();
                    if (init.profile().equals(profile)) {
                        it.remove();
                        found = init;
                        break;
                    }
                }
            }
            if (found == null) return Optional.empty();
            if (found.waiting()) return Optional.of(found);
            log.accept("pre-started init pid " + found.pid() + " had ended: removed");
            found.discard();
        }
    }

    /**
     * Starts one for this profile in the background, unless one waits or is starting, or the pool is full of this
     * profile's. A pod's profile (one that joins namespaces) only while its pod lives, and outside the capacity.
     */
    public void refill(LaunchProfile profile) {
        ReadyInit evicted = null;
        synchronized (this) {
            if (closed || !keepsInitsFor(profile) || starting.contains(profile)) return;
            if (waiting.keySet().stream().anyMatch(i -> i.profile().equals(profile))) return;
            if (!profile.joined().isEmpty()) {
                String pod = podOf(profile);
                if (pod == null) return; // its pod ended, or is not one this server created
                if (starting.stream().anyMatch(p -> p.joinsAnyOf(pods.get(pod)))) return; // one per pod
                // one per pod: a container of another kind (another heap size) replaces the pod's waiting one
                evicted = waiting.keySet().stream().filter(i -> i.profile().joinsAnyOf(pods.get(pod))).findFirst().orElse(null);
                if (evicted != null) waiting.remove(evicted);
            } else if (waiting.keySet().stream().filter(i -> i.profile().joined().isEmpty()).count()
                    + starting.stream().filter(p -> p.joined().isEmpty()).count() >= capacity) {
                evicted = waiting.keySet().stream().filter(i -> i.profile().joined().isEmpty()).findFirst().orElse(null);
                if (evicted == null) return;
                waiting.remove(evicted);
            }
            starting.add(profile);
        }
        if (evicted != null) {
            log.accept("pre-started init pid " + evicted.pid() + " makes room for another profile: removed");
            evicted.discard();
        }
        try {
            // The next sandbox's init after the pod's own: that one is wanted first (the pod's containers are created
            // right after its sandbox), and the two boots would share the CPU.
            long delay = profile.joinedAtClaim() != 0 ? NEXT_SANDBOX_DELAY.toMillis() : 0;
            worker.schedule(() -> start(profile), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
            synchronized (this) {
                starting.remove(profile);
            }
        }
    }

    /**
     * Starts an init for the containers of the pod whose sandbox was just created: {@code members} joins the
     * sandbox's shared namespaces ({@link LaunchProfile#forPodMembers}). Until {@link #endPod}, claims of it are
     * followed by the next one.
     */
    public void prestartForPod(String sandboxId, LaunchProfile members) {
        synchronized (this) {
            if (closed || !podInits || members.joined().isEmpty()) return;
            pods.put(sandboxId, members.joined());
        }
        refill(members);
    }

    /**
     * The pod's sandbox ended: its waiting inits end, so that they hold neither its namespaces nor its cgroup, and
     * none starts for it again.
     */
    public void endPod(String sandboxId) {
        List<ReadyInit> ended = new ArrayList<>();
        synchronized (this) {
            List<LaunchProfile.JoinedNamespace> namespaces = pods.remove(sandboxId);
            if (namespaces == null) return;
            for (Iterator<ReadyInit> it = waiting.keySet().iterator(); it.hasNext(); ) {
                ReadyInit init = it.next();
                if (init.profile().joinsAnyOf(namespaces)) {
                    it.remove();
                    ended.add(init);
                }
            }
        }
        for (ReadyInit init : ended) {
            log.accept("pre-started init pid " + init.pid() + " of pod " + sandboxId + " ends with its sandbox");
            init.discard();
        }
    }

    /** The sandbox id of the live pod whose namespaces the profile joins, or null. */
    private String podOf(LaunchProfile profile) {
        for (Map.Entry<String, List<LaunchProfile.JoinedNamespace>> pod : pods.entrySet()) {
            if (profile.joinsAnyOf(pod.getValue())) return pod.getKey();
        }
        return null;
    }

    private void start(LaunchProfile profile) {
        ReadyInit init = null;
        synchronized (this) {
            // a pod's that ended while this start was queued: no JVM in its namespaces or cgroup
            if (closed || (!profile.joined().isEmpty() && podOf(profile) == null)) {
                starting.remove(profile);
                return;
            }
        }
        try {
            sweepLeftovers(profile.cgroupParent(), log); // a listing: cheap beside the JVM it starts
            String cgroup = (profile.cgroupParent().equals("/") ? "" : profile.cgroupParent()) + "/wasmj-ready-"
                    + ProcessHandle.current().pid() + "-" + sequence.incrementAndGet();
            init = spawner.spawn(profile, cgroup);
            log.accept("pre-started init pid " + init.pid() + " in cgroup " + cgroup);
        } catch (IOException | RuntimeException e) {
            log.accept("cannot pre-start an init: " + e.getMessage());
        } finally {
            boolean keep;
            synchronized (this) {
                starting.remove(profile);
                // a pod's that ended while its init started: that init must not hold the pod's namespaces or cgroup
                keep = init != null && !closed && (profile.joined().isEmpty() || podOf(profile) != null);
                if (keep) waiting.put(init, System.nanoTime());
            }
            if (!keep && init != null) init.discard();
        }
    }

    /** Removes the ones that died or waited too long; never throws (it runs on the pool's schedule). */
    void removeEnded() {
        try {
            removeEndedOnce();
        } catch (Throwable t) {
            log.accept("removing ended pre-started inits failed: " + t);
        }
    }

    private void removeEndedOnce() {
        List<ReadyInit> ended = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            for (Iterator<Map.Entry<ReadyInit, Long>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<ReadyInit, Long> e = it.next();
                if (!e.getKey().waiting() || now - e.getValue() > idleOf(e.getKey().profile()).toNanos()) {
                    it.remove();
                    ended.add(e.getKey());
                }
            }
        }
        for (ReadyInit init : ended) {
            log.accept("pre-started init pid " + init.pid() + (init.waiting() ? " unclaimed for " + idleOf(init.profile()).toSeconds() + " s" : " had ended")
                    + ": removed");
            init.discard();
        }
    }

    private Duration idleOf(LaunchProfile profile) {
        return profile.joined().isEmpty() || idle.compareTo(POD_IDLE) < 0 ? idle : POD_IDLE;
    }

    /**
     * Removes the cgroups below {@code parent} where pre-started inits of a server that is gone waited (a server
     * killed with SIGKILL cannot remove them; its inits end with it). Run when a pool starts its first init beside
     * them, and by the shim's delete after a server died.
     */
    public static void sweepLeftovers(String parent, Consumer<String> log) {
        String prefix = parent.endsWith("/") ? parent : parent + "/";
        try {
            Path dir = Cgroups.forContainer(prefix + "probe", "probe").placementFiles().get(0).getParent().getParent();
            if (!Files.isDirectory(dir)) return;
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : children.toList()) {
                    Matcher m = PARKING.matcher(child.getFileName().toString());
                    if (!m.matches() || ProcessProbe.startTime(Integer.parseInt(m.group(1))).isPresent()) continue; // zombies count as gone
                    CgroupManager leftover = Cgroups.forContainer(prefix + child.getFileName(), "leftover");
                    if (leftover.pids().isEmpty()) {
                        leftover.destroy();
                        log.accept("removed cgroup " + leftover.path() + " of a pre-started init of a server that is gone");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.accept("cannot sweep leftover cgroups below " + parent + ": " + e.getMessage());
        }
    }

    /**
     * Ends every waiting init; the next create starts the next one (its containerd is gone, and may come back: a
     * shim's containers outlive containerd, its waiting inits do not).
     */
    public void drain() {
        List<ReadyInit> all;
        synchronized (this) {
            all = new ArrayList<>(waiting.keySet());
            waiting.clear();
        }
        for (ReadyInit init : all) init.discard();
    }

    /** Ends every waiting init and starts no more (its server exits). */
    @Override
    public void close() {
        List<ReadyInit> all;
        synchronized (this) {
            if (closed) return;
            closed = true;
            all = new ArrayList<>(waiting.keySet());
            waiting.clear();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS); // a start under way discards what it started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ReadyInit init : all) init.discard();
    }
}
