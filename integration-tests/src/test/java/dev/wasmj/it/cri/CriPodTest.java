package dev.wasmj.it.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.cri.proto.AttachRequest;
import dev.wasmj.it.cri.proto.Capability;
import dev.wasmj.it.cri.proto.ContainerConfig;
import dev.wasmj.it.cri.proto.ContainerMetadata;
import dev.wasmj.it.cri.proto.ContainerState;
import dev.wasmj.it.cri.proto.ContainerStats;
import dev.wasmj.it.cri.proto.ContainerStatus;
import dev.wasmj.it.cri.proto.ExecRequest;
import dev.wasmj.it.cri.proto.Int64Value;
import dev.wasmj.it.cri.proto.LinuxContainerConfig;
import dev.wasmj.it.cri.proto.LinuxContainerResources;
import dev.wasmj.it.cri.proto.NamespaceMode;
import dev.wasmj.it.cri.proto.PodSandboxConfig;
import dev.wasmj.it.cri.proto.PodSandboxStats;
import dev.wasmj.it.cri.proto.RunPodSandboxRequest;
import dev.wasmj.it.cri.proto.SecurityProfile;
import dev.wasmj.it.cri.proto.UpdateContainerResourcesRequest;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.support.TestPrograms;
import dev.wasmj.it.support.ShimServers;
import dev.wasmj.it.wasm.WasmFixture;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wasm pods the way the kubelet runs them: CRI calls to a real containerd whose runtime handler
 * {@value CriFixture#HANDLER} is our shim, a pause container, Wasm containers and a busybox sidecar.
 */
class CriPodTest {
    static final Duration EXIT = Duration.ofSeconds(15);

    @TempDir
    static Path tmp;
    static CriFixture node;
    static CriClient cri;
    static String wasm;
    static String busybox;

    @BeforeAll
    static void start() {
        RootOnly.check();
        node = CriFixture.start(tmp);
        cri = node.cri();
        wasm = WasmFixture.probeImage(node.ctr(), tmp);
        busybox = OciImage.busybox("docker.io/wasmj/busybox:cri").build(tmp.resolve("busybox.tar")).importInto(node.ctr());
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (node != null) node.close();
        } finally {
            removeCgroupRoot();
        }
    }

    static PodSandboxConfig pod(String name) {
        return Pods.config(name, tmp.resolve("logs").resolve(name), NamespaceMode.CONTAINER);
    }

    /** A busybox sidecar that sleeps, in its own pid namespace. */
    static ContainerConfig.Builder sidecar() {
        return Pods.container("sidecar", busybox).addCommand("sleep").addCommand("1000");
    }

    /** StartContainer for each, then waits until CRI reports each RUNNING. */
    static void startRunning(String... ids) {
        for (String id : ids) cri.startContainer(id);
        for (String id : ids) Pods.awaitState(cri, id, ContainerState.CONTAINER_RUNNING, EXIT);
    }

    /** StopPodSandbox and RemovePodSandbox, as the kubelet ends a pod (its containers go with it). */
    static void remove(String podId) {
        cri.stopPodSandbox(podId);
        cri.removePodSandbox(podId);
    }

    @Test
    void aWasmPodsOutputReachesTheLogFileAndItsExitIsSeenWithItsCode() {
        PodSandboxConfig pod = pod("hello");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "stderr", "hello from a pod", "and its stderr"));
        String failing = Pods.create(cri, podId, pod, Pods.container("failing", wasm, "exit", "3"));
        cri.startContainer(app);
        cri.startContainer(failing);

        // CRI's status comes from its own store, which the shim's /tasks/exit event updates: CRI heard the event,
        // and it had not been asking the shim for the task's state meanwhile (containerd asks once, at start).
        ContainerStatus done = Pods.awaitState(cri, app, ContainerState.CONTAINER_EXITED, EXIT);
        String shimLog = node.containerd().logText();
        // 1.6 logs "received exit event &TaskExit{ContainerID:<id>...", 1.7 "received exit event container_id:...",
        // 2.1 "received container exit event container_id:...".
        java.util.regex.Matcher received = java.util.regex.Pattern.compile("(?im)^.*received (container )?exit event.*" + app + ".*$")
                .matcher(shimLog);
        int exitEvent = received.find() ? received.start() : -1;
        assertTrue(exitEvent > 0, () -> "CRI received the shim's exit event for " + app + "; the log's lines of its exit:\n"
                + String.join("\n", shimLog.lines().filter(l -> l.contains(app) && l.toLowerCase().contains("exit")).toList()));
        List<String> calls = shimLog.substring(0, exitEvent).lines()
                .filter(l -> l.contains("msg=\"call ") && l.contains("id=" + app)).toList();
        assertTrue(calls.stream().anyMatch(l -> l.contains("msg=\"call Start\"")), "the shim logs each call: " + calls);
        assertTrue(calls.stream().filter(l -> l.contains("msg=\"call State\"")).count() <= 1, "no polling: " + calls);
        assertEquals(0, done.getExitCode());
        assertEquals("Completed", done.getReason());
        // CRI stamps StartedAt with its own clock once Start's reply is back, and FinishedAt with the shim's exit time:
        // a module that exits within a millisecond of its start (as this one can, from an init started ahead) exits
        // before CRI's stamp, as a runc container's `echo` can. Both are set, and the exit is after the create.
        assertTrue(done.getStartedAt() > 0 && done.getFinishedAt() >= done.getCreatedAt() && done.getCreatedAt() > 0, done.toString());
        // CRI reads the two streams on two threads: each line is in the file, in its stream's order.
        List<String> log = Pods.log(pod, "app");
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.matches("\\S+ stdout F hello from a pod")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.matches("\\S+ stderr F and its stderr")), log.toString());

        ContainerStatus failed = Pods.awaitState(cri, failing, ContainerState.CONTAINER_EXITED, EXIT);
        assertEquals(3, failed.getExitCode());
        assertEquals("Error", failed.getReason());

        // The kubelet's restart: the same container again as attempt 1, in the same pod and shim.
        String again = Pods.create(cri, podId, pod, Pods.container("app", wasm, "args", "attempt 1")
                .setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(1))
                .setLogPath("app/1.log"));
        cri.startContainer(again);
        assertEquals(0, Pods.awaitState(cri, again, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
        assertTrue(Pods.log(pod, "app", 1).stream().anyMatch(l -> l.endsWith(" stdout F [attempt 1]")),
                Pods.log(pod, "app", 1).toString());
        remove(podId);
    }

    @Test
    void stopContainerEndsAWasmContainerOnSigtermAndASidecarThatIgnoresItOnSigkill() {
        PodSandboxConfig pod = pod("stop");
        String podId = Pods.run(cri, pod);
        String sleeper = Pods.create(cri, podId, pod, Pods.container("sleeper", wasm, "sleep"));
        String stubborn = Pods.create(cri, podId, pod, Pods.container("stubborn", busybox)
                .addCommand("sh").addCommand("-c").addCommand("trap '' TERM; echo ready; while true; do sleep 1; done"));
        cri.startContainer(sleeper);
        cri.startContainer(stubborn);
        Pods.awaitState(cri, sleeper, ContainerState.CONTAINER_RUNNING, EXIT);
        awaitLog(pod, "stubborn", "ready");

        long t0 = System.nanoTime();
        cri.stopContainer(sleeper, 30);
        long sleeperMillis = (System.nanoTime() - t0) / 1_000_000;
        ContainerStatus s = cri.containerStatus(sleeper).getStatus();
        assertEquals(ContainerState.CONTAINER_EXITED, s.getState());
        assertEquals(143, s.getExitCode(), "SIGTERM ended the module: " + s);
        assertTrue(sleeperMillis < 10_000, "a Wasm module stops on SIGTERM, well inside the grace period: " + sleeperMillis + " ms");

        t0 = System.nanoTime();
        cri.stopContainer(stubborn, 2);
        long stubbornMillis = (System.nanoTime() - t0) / 1_000_000;
        s = cri.containerStatus(stubborn).getStatus();
        assertEquals(137, s.getExitCode(), "SIGKILL after the grace period: " + s);
        assertTrue(stubbornMillis >= 2_000, "the grace period was honoured: " + stubbornMillis + " ms");
        remove(podId);
    }

    @Test
    void aWasmContainerAndASidecarShareThePodsNetworkIpcAndUtsButNotMountsOrCgroups() {
        PodSandboxConfig pod = pod("shared");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
        String sidecar = Pods.create(cri, podId, pod, sidecar());
        startRunning(app, sidecar);

        // The pod has an address on the test network, whose bridge has none on the host: nothing routes out.
        String ip = cri.podSandboxStatus(podId).getStatus().getNetwork().getIp();
        assertTrue(ip.startsWith("10.213.0."), "the pod's IP from the CNI network: " + ip);
        assertEquals(List.of(), CriFixture.bridgeAddresses(), "the host side of the pods' bridge has no address");

        long pause = Pods.sandboxPid(cri, podId);
        long appPid = Pods.containerPid(cri, app);
        long sidecarPid = Pods.containerPid(cri, sidecar);
        for (String ns : List.of("net", "ipc", "uts")) {
            assertEquals(Pods.namespace(pause, ns), Pods.namespace(appPid, ns), ns + " of the Wasm container");
            assertEquals(Pods.namespace(pause, ns), Pods.namespace(sidecarPid, ns), ns + " of the sidecar");
        }
        for (String ns : List.of("mnt", "pid")) {
            assertNotEquals(Pods.namespace(pause, ns), Pods.namespace(appPid, ns), ns);
            assertNotEquals(Pods.namespace(pause, ns), Pods.namespace(sidecarPid, ns), ns);
            assertNotEquals(Pods.namespace(appPid, ns), Pods.namespace(sidecarPid, ns), ns);
        }
        String podCgroup = Pods.CGROUP_ROOT + "/shared";
        String appCgroup = Pods.cgroup(appPid);
        String sidecarCgroup = Pods.cgroup(sidecarPid);
        assertTrue(appCgroup.startsWith(podCgroup + "/"), appCgroup);
        assertTrue(sidecarCgroup.startsWith(podCgroup + "/"), sidecarCgroup);
        assertNotEquals(appCgroup, sidecarCgroup);

        // One shim serves the pod: every container's bundle names the pause container's socket.
        Containerd containerd = node.containerd();
        String address = address(podId);
        assertEquals(address, address(app));
        assertEquals(address, address(sidecar));
        assertEquals(1, shimServersOn(address).size(), "one server for the pod: " + shimServersOn(address));
        remove(podId);
        assertTrue(shimGone(address), "the pod's shim exits with its last container");
        assertTrue(Containerd.mountsUnder(containerd.dir()).stream().noneMatch(m -> m.contains(podId) || m.contains(app)),
                "no mount left: " + Containerd.mountsUnder(containerd.dir()));
    }

    @Test
    void aPodCanShareOnePidNamespace() {
        PodSandboxConfig pod = Pods.config("pidpod", tmp.resolve("logs/pidpod"), NamespaceMode.POD);
        String podId = Pods.run(cri, pod);
        String sidecar = Pods.create(cri, podId, pod, Pods.container("sidecar", busybox, NamespaceMode.POD)
                .addCommand("sleep").addCommand("1000"));
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, NamespaceMode.POD).addArgs("sleep"));
        startRunning(sidecar, app);
        String pausePid = Pods.namespace(Pods.sandboxPid(cri, podId), "pid");
        assertEquals(pausePid, Pods.namespace(Pods.containerPid(cri, sidecar), "pid"));
        assertEquals(pausePid, Pods.namespace(Pods.containerPid(cri, app), "pid"));
        remove(podId);
    }

    @Test
    void aContainerThatCannotRunFailsWithItsReasonAndThePodsOtherContainersKeepTheirShim() {
        PodSandboxConfig pod = pod("bad");
        String podId = Pods.run(cri, pod);
        String sidecar = Pods.create(cri, podId, pod, sidecar());
        startRunning(sidecar);
        List<Long> server = shimServersOn(address(podId));
        assertEquals(1, server.size(), "the pod's shim: " + server);

        // The kubelet shows StartContainer's error and the status' reason in `kubectl describe pod`.
        String bad = Pods.create(cri, podId, pod, Pods.container("bad", wasm).addCommand("/app.txt"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cri.startContainer(bad));
        assertTrue(e.getMessage().contains("/app.txt is neither a Wasm module nor a Linux executable"), e.getMessage());
        ContainerStatus status = cri.containerStatus(bad).getStatus();
        assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
        assertEquals("StartError", status.getReason());
        assertTrue(status.getMessage().contains("/app.txt is neither a Wasm module"), status.toString());
        assertTrue(node.containerd().logText().matches("(?s).*/app.txt is neither a Wasm module[^\\n]*id=" + bad + "\\b.*"),
                "the shim log names the reason with the container's id");

        // Removing the failed container leaves the pod's shim serving the rest of the pod, and nothing of it behind.
        cri.removeContainer(bad);
        assertEquals(server, shimServersOn(address(podId)), "the pod's shim stays while the pod has containers");
        assertEquals(ContainerState.CONTAINER_RUNNING, cri.containerStatus(sidecar).getStatus().getState());
        assertEquals(Map.of(), Containerd.processesMentioning(bad));
        assertTrue(Containerd.mountsUnder(node.containerd().dir()).stream().noneMatch(m -> m.contains(bad)),
                "no mount of the failed container: " + Containerd.mountsUnder(node.containerd().dir()));
        assertFalse(Files.exists(node.containerd().bundle(CriFixture.K8S_NAMESPACE, bad)), "its bundle is removed");
        remove(podId);
    }

    /**
     * What a restricted Kubernetes pod asks: runAsUser and runAsGroup 1000 (runAsNonRoot is the kubelet's check of
     * that uid), allowPrivilegeEscalation false (no_new_privs), capabilities drop ALL and seccomp RuntimeDefault.
     * It holds for a Wasm container as for a native sidecar: each reports its own /proc status, and neither may
     * write root's files.
     */
    @Test
    void aRestrictedSecurityContextHoldsForWasmContainersAndANativeSidecar() {
        PodSandboxConfig pod = pod("restricted");
        String podId = Pods.run(cri, pod);
        String status = Pods.create(cri, podId, pod, restricted(Pods.container("status", wasm, "cat", "/proc/self/status")));
        String writer = Pods.create(cri, podId, pod, restricted(Pods.container("writer", wasm, "write", "/etc/greeting", "x")));
        String nativeSidecar = Pods.create(cri, podId, pod, restricted(Pods.container("native", busybox)
                .addCommand("sh").addCommand("-c").addCommand("cat /proc/self/status; touch /etc/planted")));
        for (String id : List.of(status, writer, nativeSidecar)) cri.startContainer(id);

        assertEquals(0, Pods.awaitState(cri, status, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
        assertEquals(1, Pods.awaitState(cri, writer, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
        assertEquals(1, Pods.awaitState(cri, nativeSidecar, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
        for (String container : List.of("status", "native")) {
            String log = String.join("\n", Pods.log(pod, container));
            for (String line : List.of("Uid:\t1000\t1000\t1000\t1000", "Gid:\t1000\t1000\t1000\t1000",
                    "CapEff:\t0000000000000000", "CapPrm:\t0000000000000000", "CapBnd:\t0000000000000000",
                    "NoNewPrivs:\t1", "Seccomp:\t2")) {
                assertTrue(log.contains(" stdout F " + line), container + " shows " + line + ":\n" + log);
            }
        }
        assertTrue(String.join("\n", Pods.log(pod, "writer")).contains("probe: /etc/greeting: Permission denied"));
        assertTrue(String.join("\n", Pods.log(pod, "native")).contains("touch: /etc/planted: Permission denied"));
        remove(podId);
    }

    /** The kubelet shows StartContainer's error and the StartError reason in `kubectl describe pod`. */
    @Test
    void aProgramThatDoesNotExistFailsStartContainerWithTheReason() {
        PodSandboxConfig pod = pod("missing");
        String podId = Pods.run(cri, pod);
        String missing = Pods.create(cri, podId, pod, Pods.container("missing", busybox).addCommand("/bin/no-such-program"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cri.startContainer(missing));
        assertTrue(e.getMessage().contains("/bin/no-such-program: no such file in the container"), e.getMessage());
        ContainerStatus status = cri.containerStatus(missing).getStatus();
        assertEquals("StartError", status.getReason());
        assertTrue(status.getMessage().contains("/bin/no-such-program: no such file in the container"), status.toString());
        remove(podId);
    }

    /**
     * A Wasm OCI artifact (the module is the image's only layer, {@code application/wasm}) as a pod's container:
     * CRI gives it an empty rootfs on every version (1.6 included, whose {@code ctr run} refuses the same image)
     * and the shim reads the module from the content store.
     */
    @Test
    void anArtifactImageRunsAsAPodsContainer() {
        String artifact = OciImage.builder().ref("docker.io/wasmj/probe-artifact:cri").platform("wasi", "wasm")
                .artifactLayer("application/wasm", TestPrograms.c("probe"))
                .env("GREETING", "from the artifact's config").entrypoint("probe.wasm")
                .build(tmp.resolve("probe-artifact.tar")).importInto(node.ctr(), false);
        PodSandboxConfig pod = pod("artifact");
        String podId = Pods.run(cri, pod);
        try {
            String app = Pods.create(cri, podId, pod, Pods.container("app", artifact, "args", "in a pod"));
            cri.startContainer(app);
            ContainerStatus done = Pods.awaitState(cri, app, ContainerState.CONTAINER_EXITED, EXIT);
            assertEquals(0, done.getExitCode(), done.toString());
            assertEquals(List.of("[probe.wasm]", "[args]", "[in a pod]"),
                    Pods.log(pod, "app").stream().map(l -> l.replaceFirst("^\\S+ stdout F ", "")).toList());
            String env = Pods.create(cri, podId, pod, Pods.container("env", artifact, "env", "GREETING"));
            String exit = Pods.create(cri, podId, pod, Pods.container("exit", artifact, "exit", "5"));
            cri.startContainer(env);
            cri.startContainer(exit);
            assertEquals(0, Pods.awaitState(cri, env, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
            assertEquals(List.of("GREETING=from the artifact's config"),
                    Pods.log(pod, "env").stream().map(l -> l.replaceFirst("^\\S+ stdout F ", "")).toList());
            assertEquals(5, Pods.awaitState(cri, exit, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
        } finally {
            remove(podId);
        }
    }

    /**
     * {@code kubectl exec -it} into a native sidecar and {@code kubectl attach -it} to a Wasm container, through
     * containerd's streaming server (WebSocket, v4.channel.k8s.io): typed input, output, a resize, exit codes.
     */
    @Test
    void execAndAttachOnATerminalThroughCrisStreamingServer() throws Exception {
        PodSandboxConfig pod = pod("tty");
        String podId = Pods.run(cri, pod);
        try {
            String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "tty").setTty(true).setStdin(true));
            String sidecar = Pods.create(cri, podId, pod, sidecar());
            startRunning(app, sidecar);

            String execUrl = cri.exec(ExecRequest.newBuilder().setContainerId(sidecar).addCmd("sh").setTty(true)
                    .setStdin(true).setStdout(true).build()).getUrl();
            try (CriStream sh = CriStream.open(execUrl)) {
                sh.type("echo $((6*7))\r");
                sh.await("42", EXIT);
                sh.resize(100, 30);
                assertTrue(node.containerd().logShows("resized to 100x30"), "CRI's resize reached the shim");
                sh.type("stty size\r");
                sh.await("30 100", EXIT);
                sh.type("exit 3\r");
                assertEquals(3, sh.exitCode(EXIT));
            }

            String attachUrl = cri.attach(AttachRequest.newBuilder().setContainerId(app).setTty(true).setStdin(true)
                    .setStdout(true).build()).getUrl();
            try (CriStream attached = CriStream.open(attachUrl)) {
                attached.type("typed through attach\r");
                attached.await("echo: typed through attach", EXIT);
            }
            assertEquals(0, Pods.awaitState(cri, app, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
            List<String> log = Pods.log(pod, "app");
            assertTrue(log.stream().anyMatch(l -> l.contains("tty: 0=1 1=1 2=1")), "the module saw a terminal: " + log);
        } finally {
            remove(podId);
        }
    }

    private static ContainerConfig.Builder restricted(ContainerConfig.Builder container) {
        container.getLinuxBuilder().getSecurityContextBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Int64Value.newBuilder().setValue(1000))
                .setNoNewPrivs(true)
                .setCapabilities(Capability.newBuilder().addDropCapabilities("ALL"))
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault));
        return container;
    }

    @Test
    void twoPodsGetTwoShims() {
        PodSandboxConfig a = pod("pod-a");
        PodSandboxConfig b = pod("pod-b");
        String podA = Pods.run(cri, a);
        String podB = Pods.run(cri, b);
        String appA = Pods.create(cri, podA, a, Pods.container("app", wasm, "sleep"));
        String appB = Pods.create(cri, podB, b, Pods.container("app", wasm, "sleep"));
        startRunning(appA, appB);
        assertNotEquals(address(appA), address(appB));
        String addressA = address(podA);
        String addressB = address(podB);
        remove(podA);
        assertTrue(shimGone(addressA), "pod A's shim is gone");
        assertEquals(1, shimServersOn(addressB).size(), "pod B's shim still serves it");
        Pods.awaitState(cri, appB, ContainerState.CONTAINER_RUNNING, EXIT);
        remove(podB);
    }

    @Test
    void statsForAContainerAndForThePod() {
        PodSandboxConfig pod = pod("stats");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
        startRunning(app);
        ContainerStats stats = cri.containerStats(app).getStats();
        assertEquals(app, stats.getAttributes().getId());
        assertTrue(stats.getMemory().getWorkingSetBytes().getValue() > 1 << 20, "an init JVM's memory: " + stats);
        assertTrue(stats.getCpu().getUsageCoreNanoSeconds().getValue() > 0, stats.toString());

        PodSandboxStats podStats = cri.podSandboxStats(podId).getStats();
        assertEquals(podId, podStats.getAttributes().getId());
        assertTrue(podStats.getLinux().getMemory().getWorkingSetBytes().getValue()
                >= stats.getMemory().getWorkingSetBytes().getValue(), "the pod's cgroup holds the container's: " + podStats);
        assertTrue(podStats.getLinux().getContainersList().stream().anyMatch(c -> c.getAttributes().getId().equals(app)),
                "the pod's stats list its containers: " + podStats);
        remove(podId);
    }

    @Test
    void updateContainerResourcesChangesTheRunningContainersLimit() throws IOException {
        PodSandboxConfig pod = pod("update");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep").setLinux(
                LinuxContainerConfig.newBuilder().setResources(
                        LinuxContainerResources.newBuilder().setMemoryLimitInBytes(256L << 20))));
        startRunning(app);
        Path limit = memoryLimitFile(Pods.cgroup(Pods.containerPid(cri, app)));
        assertEquals(256L << 20, Long.parseLong(Files.readString(limit).trim()), "the limit from CreateContainer");

        cri.updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(app)
                .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(192L << 20))
                .build());
        assertEquals(192L << 20, Long.parseLong(Files.readString(limit).trim()), "the limit after the update");
        assertEquals(ContainerState.CONTAINER_RUNNING, cri.containerStatus(app).getStatus().getState());
        remove(podId);
    }

    /** memory.limit_in_bytes (cgroup v1) or memory.max (v2) of a cgroup path. */
    private static Path memoryLimitFile(String cgroup) {
        Path v1 = Path.of("/sys/fs/cgroup/memory").resolve(cgroup.substring(1)).resolve("memory.limit_in_bytes");
        return Files.exists(v1) ? v1 : Path.of("/sys/fs/cgroup").resolve(cgroup.substring(1)).resolve("memory.max");
    }

    @Test
    void removingAPodLeavesNoShimProcessMountOrCgroup() throws IOException {
        PodSandboxConfig pod = pod("gone");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
        String sidecar = Pods.create(cri, podId, pod, sidecar());
        startRunning(app, sidecar);
        String address = address(podId);
        List<Long> pids = List.of(Pods.sandboxPid(cri, podId), Pods.containerPid(cri, app), Pods.containerPid(cri, sidecar));

        remove(podId); // running containers and all: the kubelet does not stop them first when a pod is deleted

        assertTrue(shimGone(address), "no shim serves the pod");
        for (long pid : pids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "process " + pid + " is gone");
        for (String id : List.of(podId, app, sidecar)) {
            assertEquals(Map.of(), processesMentioningAfterShimExit(id), "no process mentions " + id);
            assertTrue(Containerd.mountsUnder(node.containerd().dir()).stream().noneMatch(m -> m.contains(id)),
                    "no mount of " + id + ": " + Containerd.mountsUnder(node.containerd().dir()));
        }
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path controller : controllers.toList()) {
                Path podCgroup = controller.resolve(Pods.CGROUP_ROOT.substring(1)).resolve("gone");
                if (!Files.isDirectory(podCgroup)) continue;
                try (Stream<Path> children = Files.list(podCgroup)) {
                    assertEquals(List.of(), children.filter(Files::isDirectory).toList(), "container cgroups left in " + podCgroup);
                }
            }
        }
    }

    @Test
    void aHandlerAskingForSystemdCgroupsFailsWithWhatToChange() {
        PodSandboxConfig pod = pod("systemd");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod)
                        .setRuntimeHandler(CriFixture.SYSTEMD_HANDLER).build()));
        assertTrue(e.getMessage().contains("SystemdCgroup = true, but systemd is not running on this machine"), e.getMessage());
        assertTrue(node.containerd().logShows("SystemdCgroup = true, but systemd is not running"),
                "the shim log says it too");
    }

    /** The shim address in a container's bundle, or a pod's: a pause container's, or the sandbox API's bundle. */
    static String address(String containerId) {
        Path task = node.containerd().bundle(CriFixture.K8S_NAMESPACE, containerId);
        Path sandbox = node.containerd().state().resolve("io.containerd.sandbox.controller.v1.shim")
                .resolve(CriFixture.K8S_NAMESPACE).resolve(containerId);
        try {
            return Files.readString((Files.exists(task) ? task : sandbox).resolve("address")).trim();
        } catch (IOException e) {
            throw new AssertionError("no address file for " + containerId, e);
        }
    }

    /**
     * Whether the shim serving this address exits within 10 s: containerd's RemovePodSandbox returns once the
     * shim answered Shutdown, and the JVM ends just after (the first one on a machine also saves its CDS archive).
     */
    static boolean shimGone(String address) {
        return within(Duration.ofSeconds(10), () -> shimServersOn(address).isEmpty());
    }

    /**
     * Processes that name {@code id}, once given up to 10 s to end: the first shim on a machine runs under its
     * launcher script, which stays a moment after the JVM to save the class-data archive.
     */
    static Map<Long, String> processesMentioningAfterShimExit(String id) {
        within(Duration.ofSeconds(10), () -> Containerd.processesMentioning(id).isEmpty());
        return Containerd.processesMentioning(id);
    }

    /** Shim server JVMs serving this address. */
    static List<Long> shimServersOn(String address) {
        return ShimServers.serving(address);
    }

    private static void awaitLog(PodSandboxConfig pod, String container, String text) {
        Path log = Path.of(pod.getLogDirectory(), container, "0.log");
        if (!within(EXIT, () -> {
            try {
                return Files.exists(log) && Files.readString(log).contains(text);
            } catch (IOException notYetWritten) {
                return false;
            }
        })) {
            throw new AssertionError(container + " never logged " + text);
        }
    }

    /** Polls {@code done} every 50 ms for up to {@code timeout}; whether it came true. */
    static boolean within(Duration timeout, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() >= deadline) return false;
            Ctr.sleep(50);
        }
        return true;
    }

    /** The kubelet's part: the pods' parent cgroups, created by CRI's runtime under {@link Pods#CGROUP_ROOT}. */
    private static void removeCgroupRoot() throws IOException {
        assertEquals(List.of(), Pods.removeCgroupRoot(), "container cgroups left behind");
    }
}
