package dev.wasmj.it.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.cri.proto.ContainerState;
import dev.wasmj.it.cri.proto.NamespaceMode;
import dev.wasmj.it.cri.proto.PodSandboxConfig;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.wasm.WasmFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's pre-started init (docs/shim.md, "Pre-started inits"): once the sandbox exists, an init waits in the pod's
 * cgroup, in the pod's network, IPC and UTS namespaces; the pod's first container claims it (its process is that
 * init, in the pod's shared namespaces and its own mount and pid ones, in its own cgroup, at normal priority on
 * every thread), the next one waits; the pod's stop ends it and leaves the pod's cgroup empty. A pod whose cgroup
 * has a memory limit gets none. An init for any pod's next sandbox waits at the lowest priority, beside the pods.
 */
class CriPrestartedInitTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    @Test
    void aPodsContainerClaimsTheInitThatWaitedInThePodAndThePodsStopEndsTheNext() throws Exception {
        RootOnly.check();
        try (CriFixture node = CriFixture.start(tmp, "16")) {
            CriClient cri = node.cri();
            String wasm = WasmFixture.probeImage(node.ctr(), tmp);
            PodSandboxConfig pod = Pods.config("ahead", tmp.resolve("logs/ahead"), NamespaceMode.CONTAINER);
            String podId = Pods.run(cri, pod);
            long sandbox = Pods.sandboxPid(cri, podId);
            String podCgroup = Pods.CGROUP_ROOT + "/ahead";

            long waiting = awaitWaitingInit(podCgroup);
            for (String ns : List.of("net", "ipc", "uts")) {
                assertEquals(Pods.namespace(sandbox, ns), Pods.namespace(waiting, ns), "it waits in the pod's " + ns + " namespace");
            }
            // (wasmtime's cache worker thread lowers its own priority by 3: its threads are not all at 0)
            assertTrue(niceness(waiting).stream().noneMatch(n -> n == 19), "the pod's own init boots at normal priority, wanted"
                    + " right after the sandbox: " + niceness(waiting));

            String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
            cri.startContainer(app);
            Pods.awaitState(cri, app, ContainerState.CONTAINER_RUNNING, WAIT);
            long pid = Pods.containerPid(cri, app);
            assertEquals(waiting, pid, "the container's process is the init that waited");
            for (String ns : List.of("net", "ipc", "uts")) assertEquals(Pods.namespace(sandbox, ns), Pods.namespace(pid, ns), ns);
            for (String ns : List.of("mnt", "pid")) assertNotEquals(Pods.namespace(sandbox, ns), Pods.namespace(pid, ns), ns);
            assertEquals(podCgroup + "/" + app, Pods.cgroup(pid), "its cgroup is the container's");
            assertEquals(0, niceness(pid).get(0), "its main thread at normal priority");
            assertTrue(niceness(pid).stream().noneMatch(n -> n == 19), "no thread at the waiting priority: " + niceness(pid));
            assertTrue(cri.containerStats(app).getStats().getMemory().getWorkingSetBytes().getValue() > 10L << 20,
                    "the container is charged the JVM it runs in");

            long next = awaitWaitingInit(podCgroup);
            assertNotEquals(pid, next, "the next one waits for the pod's next container");
            cri.stopPodSandbox(podId);
            assertTrue(awaitGone(next), "the pod's stop ends its waiting init");
            assertEquals(List.of(), Pods.parkedBelow(podCgroup), "and its cgroup");
            cri.removePodSandbox(podId);
        } finally {
            assertEquals(List.of(), Pods.removeCgroupRoot(), "container cgroups left behind");
        }
    }

    /**
     * A pod's sandbox claims an init started for any pod's sandbox: it waited beside the pods' cgroups in an empty
     * network namespace of its own; claimed, it joins the pod's network (its pause process has the pod's interface),
     * is moved into the sandbox's cgroup (the one it waited in goes), runs at normal priority, and the pod's
     * containers join the pod's network through it.
     */
    @Test
    void aPodsSandboxClaimsTheInitStartedAheadForSandboxes() throws Exception {
        RootOnly.check();
        try (CriFixture node = CriFixture.start(tmp, "16")) {
            CriClient cri = node.cri();
            String wasm = WasmFixture.probeImage(node.ctr(), tmp);
            PodSandboxConfig first = Pods.config("first", tmp.resolve("logs/first"), NamespaceMode.CONTAINER);
            String firstId = Pods.run(cri, first); // a fresh init; after it, one starts for the next sandbox
            long waiting = awaitWaitingInit(Pods.CGROUP_ROOT);
            String birthNetwork = Pods.namespace(waiting, "net");
            assertTrue(awaitNiceness(waiting, 19), "it waits at the lowest priority: " + niceness(waiting));
            assertNotEquals(Pods.namespace(ProcessHandle.current().pid(), "net"), birthNetwork, "it waits outside the host's network");
            assertNotEquals(Pods.namespace(Pods.sandboxPid(cri, firstId), "net"), birthNetwork, "and outside any pod's");
            String parked = Pods.parkedBelow(Pods.CGROUP_ROOT).get(0);

            PodSandboxConfig second = Pods.config("second", tmp.resolve("logs/second"), NamespaceMode.CONTAINER);
            String secondId = Pods.run(cri, second);
            long sandbox = Pods.sandboxPid(cri, secondId);
            assertEquals(waiting, sandbox, "the second pod's sandbox is the init that waited");
            assertTrue(Files.readSymbolicLink(Path.of("/proc/" + sandbox + "/exe")).toString().endsWith("/pause"), "exec'd");
            assertNotEquals(birthNetwork, Pods.namespace(sandbox, "net"), "in the pod's network now");
            assertTrue(Files.readString(Path.of("/proc/" + sandbox + "/net/dev")).contains("eth0"), "the pod's interface");
            assertTrue(!cri.podSandboxStatus(secondId).getStatus().getNetwork().getIp().isEmpty(), "and its address");
            assertTrue(Pods.cgroup(sandbox).startsWith(Pods.CGROUP_ROOT + "/second/"), "in the sandbox's cgroup: " + Pods.cgroup(sandbox));
            assertTrue(!Pods.parkedBelow(Pods.CGROUP_ROOT).contains(parked), "the cgroup it waited in is gone");
            assertTrue(niceness(sandbox).stream().allMatch(n -> n == 0), "normal priority: " + niceness(sandbox));

            String app = Pods.create(cri, secondId, second, Pods.container("app", wasm, "sleep"));
            cri.startContainer(app);
            Pods.awaitState(cri, app, ContainerState.CONTAINER_RUNNING, WAIT);
            assertEquals(Pods.namespace(sandbox, "net"), Pods.namespace(Pods.containerPid(cri, app), "net"), "the pod's network");
            for (String pod : List.of(firstId, secondId)) {
                cri.stopPodSandbox(pod);
                cri.removePodSandbox(pod);
            }
        } finally {
            assertEquals(List.of(), Pods.removeCgroupRoot(), "container cgroups left behind");
        }
    }

    @Test
    void aPodWithAMemoryLimitGetsNoInitAhead() throws Exception {
        RootOnly.check();
        Path limited = Path.of("/sys/fs/cgroup/memory").resolve(Pods.CGROUP_ROOT.substring(1)).resolve("limited");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(limited.getParent().getParent()), "no cgroup v1 memory hierarchy");
        try (CriFixture node = CriFixture.start(tmp, "16")) {
            CriClient cri = node.cri();
            String wasm = WasmFixture.probeImage(node.ctr(), tmp);
            Files.createDirectories(limited); // the kubelet's pod cgroup of a Guaranteed pod
            Files.writeString(limited.resolve("memory.limit_in_bytes"), Long.toString(1L << 30));
            PodSandboxConfig pod = Pods.config("limited", tmp.resolve("logs/limited"), NamespaceMode.CONTAINER);
            String podId = Pods.run(cri, pod);
            String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
            cri.startContainer(app);
            Pods.awaitState(cri, app, ContainerState.CONTAINER_RUNNING, WAIT);
            Thread.sleep(2000); // time enough for an init to have started
            assertEquals(List.of(), Pods.parkedBelow(Pods.CGROUP_ROOT + "/limited"), "no JVM counts against the pod's limit ahead of its containers");
            assertTrue(node.containerd().logShows("has a memory limit: no init waits for its containers"), "the log says why");
            cri.stopPodSandbox(podId);
            cri.removePodSandbox(podId);
        } finally {
            assertEquals(List.of(), Pods.removeCgroupRoot(), "container cgroups left behind");
        }
    }

    /** The process of the init that waits in the pod's cgroup, once there is one (and only one). */
    private static long awaitWaitingInit(String podCgroup) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> pids = new ArrayList<>();
            for (String dir : Pods.parkedBelow(podCgroup)) {
                Path procs = Pods.cgroupDir(podCgroup).resolve(dir).resolve("cgroup.procs");
                for (String line : Files.readAllLines(procs)) if (!line.isBlank()) pids.add(Long.parseLong(line.trim()));
            }
            if (pids.size() > 1) throw new AssertionError("more than one init waits in " + podCgroup + ": " + pids);
            if (pids.size() == 1) return pids.get(0);
            Thread.sleep(50);
        }
        throw new AssertionError("no init waits in " + podCgroup);
    }

    private static boolean awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 100 && Files.exists(Path.of("/proc/" + pid)); i++) Thread.sleep(50);
        return !Files.exists(Path.of("/proc/" + pid));
    }

    /** Whether every thread of the process reaches this nice value within 5 s (it is set right after the spawn). */
    private static boolean awaitNiceness(long pid, int value) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (niceness(pid).stream().allMatch(n -> n == value)) return true;
            Thread.sleep(50);
        }
        return false;
    }

    /** The nice value of each thread of the process (field 19 of its tasks' stat), its main thread first. */
    private static List<Integer> niceness(long pid) throws IOException {
        List<Integer> values = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            // by thread id: the thread group's leader (its id is the pid) first
            for (Path task : tasks.sorted(java.util.Comparator.comparingLong(t -> Long.parseLong(t.getFileName().toString()))).toList()) {
                String stat = Files.readString(task.resolve("stat"));
                values.add(Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
            }
        }
        return values;
    }
}
