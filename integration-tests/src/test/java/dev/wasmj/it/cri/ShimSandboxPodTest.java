package dev.wasmj.it.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.cri.proto.Capability;
import dev.wasmj.it.cri.proto.ContainerConfig;
import dev.wasmj.it.cri.proto.ContainerState;
import dev.wasmj.it.cri.proto.NamespaceMode;
import dev.wasmj.it.cri.proto.PodSandboxConfig;
import dev.wasmj.it.cri.proto.PodSandboxState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every pod scenario of {@link CriPodTest} again with containerd 2.x's sandbox API: a runtime handler with
 * {@code sandboxer = "shim"} ({@value CriFixture#SANDBOX_HANDLER}), where our shim makes the pod itself. There is
 * no pause container: the pod is a namespace holder process the shim spawns, whose {@code /proc/<pid>/ns/*}
 * containerd gives the pod's containers. Skipped under containerd 1.x, which has no such handler.
 */
class ShimSandboxPodTest extends CriPodTest {

    @BeforeAll
    static void useTheSandboxApi() {
        assumeTrue(Containerd.MAJOR >= 2, "the shim sandboxer is containerd 2.x's");
        Pods.handler = CriFixture.SANDBOX_HANDLER;
    }

    @AfterAll
    static void backToThePauseContainer() {
        Pods.handler = CriFixture.HANDLER;
    }

    @Test
    void thePodIsANamespaceHolderOfTheShimNotAPauseContainer() throws IOException {
        PodSandboxConfig pod = pod("holder");
        String podId = Pods.run(cri, pod);
        assertEquals(PodSandboxState.SANDBOX_READY, cri.podSandboxStatus(podId).getStatus().getState());
        long holder = Pods.sandboxPid(cri, podId);
        assertEquals("wasmj-pod-holder", Path.of(Files.readSymbolicLink(Path.of("/proc/" + holder + "/exe")).toString())
                .getFileName().toString(), "the pod's pid is the shim's holder");
        assertFalse(node.ctr().run("containers", "ls", "-q").lines().contains(podId), "no pause container in containerd");
        assertTrue(Pods.cgroup(holder).startsWith(Pods.CGROUP_ROOT + "/holder/"), "the holder counts in the pod's cgroup: "
                + Pods.cgroup(holder));

        // A Wasm container of the pod sees the pod's hostname (the holder's uts namespace) and its network.
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
        startRunning(app);
        long appPid = Pods.containerPid(cri, app);
        for (String ns : List.of("net", "ipc", "uts")) {
            assertEquals(Pods.namespace(holder, ns), Pods.namespace(appPid, ns), ns);
        }
        assertEquals("holder", hostnameIn(appPid), "the pod's hostname");

        remove(podId);
        assertFalse(Files.exists(Path.of("/proc/" + holder)), "the holder ends with the pod");
        assertTrue(Containerd.mountsUnder(node.containerd().dir()).stream().noneMatch(m -> m.contains(podId)),
                "no mount of the pod: " + Containerd.mountsUnder(node.containerd().dir()));
        assertFalse(Files.exists(node.containerd().state().resolve("io.containerd.sandbox.controller.v1.shim")
                .resolve(CriFixture.K8S_NAMESPACE).resolve(podId)), "the pod's bundle is gone");
    }

    /**
     * With shareProcessNamespace the holder is pid 1 of every container: even a root container with CAP_SYS_PTRACE
     * finds nothing of the host through /proc/1/root, and cannot trace it (a sealed, capability-less nobody).
     */
    @Test
    void aContainerSharingThePodsPidNamespaceReachesNothingOfTheHostThroughTheHolder() {
        PodSandboxConfig pod = Pods.config("sealed", tmp.resolve("logs/sealed"), NamespaceMode.POD);
        String podId = Pods.run(cri, pod);
        ContainerConfig.Builder peek = Pods.container("peek", busybox, NamespaceMode.POD).addCommand("sh").addCommand("-c")
                .addCommand("ls -a /proc/1/root/; cat /proc/1/root/etc/hostname || echo no-host-file;"
                        + " grep -E '^(Uid|CapEff|NoNewPrivs):' /proc/1/status");
        peek.getLinuxBuilder().getSecurityContextBuilder().setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_PTRACE"));
        String id = Pods.create(cri, podId, pod, peek);
        cri.startContainer(id);
        assertEquals(0, Pods.awaitState(cri, id, ContainerState.CONTAINER_EXITED, EXIT).getExitCode());
        List<String> out = Pods.log(pod, "peek").stream().map(l -> l.replaceFirst("^\\S+ (stdout|stderr) F ", "")).toList();
        assertTrue(out.contains("no-host-file"), out.toString());
        assertEquals(List.of(".", ".."), out.subList(0, 2), "pid 1's root is empty: " + out);
        assertTrue(out.stream().anyMatch(l -> l.matches("Uid:\\s+65534\\s+65534\\s+65534\\s+65534")), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.matches("CapEff:\\s+0+")), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.matches("NoNewPrivs:\\s+1")), out.toString());
        remove(podId);
    }

    @Test
    void stoppingThePodEndsItsContainersAndReportsItNotReady() {
        PodSandboxConfig pod = pod("stopped");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
        startRunning(app);
        long holder = Pods.sandboxPid(cri, podId);
        cri.stopPodSandbox(podId);
        assertTrue(within(EXIT, () -> cri.podSandboxStatus(podId).getStatus().getState() == PodSandboxState.SANDBOX_NOTREADY),
                "CRI reports the stopped pod not ready");
        assertEquals(ContainerState.CONTAINER_EXITED, cri.containerStatus(app).getStatus().getState());
        assertFalse(Files.exists(Path.of("/proc/" + holder)), "the holder is gone");
        cri.removePodSandbox(podId);
    }

    @Test
    void aContainerdRestartKeepsThePodAndItsContainersRunning() {
        PodSandboxConfig pod = pod("restart");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
        startRunning(app);
        long holder = Pods.sandboxPid(cri, podId);

        // containerd 2.1 reloads the pod's shim from its bundle: task Connect on the pod's id, then SandboxStatus,
        // and WaitSandbox again.
        node.containerd().restart();
        node.awaitCri();
        assertEquals(PodSandboxState.SANDBOX_READY, cri.podSandboxStatus(podId).getStatus().getState());
        assertEquals(holder, Pods.sandboxPid(cri, podId), "the same holder");
        assertEquals(ContainerState.CONTAINER_RUNNING, cri.containerStatus(app).getStatus().getState());
        String log = node.containerd().logText();
        assertTrue(log.contains("msg=\"call Connect\"") && log.contains("id=" + podId), "containerd reconnected to the pod");

        remove(podId);
        assertFalse(Files.exists(Path.of("/proc/" + holder)), "the holder ends with the pod");
    }

    @Test
    void aShimThatDiesTakesItsHolderWithItAndThePodIsRemovedCleanly() {
        PodSandboxConfig pod = pod("crash");
        String podId = Pods.run(cri, pod);
        String app = Pods.create(cri, podId, pod, Pods.container("app", wasm, "sleep"));
        startRunning(app);
        long holder = Pods.sandboxPid(cri, podId);
        List<Long> server = shimServersOn(address(podId));
        assertEquals(1, server.size(), server.toString());

        Containerd.signal(server.get(0), "SIGKILL");
        // containerd sees the connection close and runs the shim's delete on the pod's bundle: the holder goes.
        assertTrue(within(EXIT, () -> !Files.exists(Path.of("/proc/" + holder))), "the holder of a dead shim is ended");
        assertTrue(within(EXIT, () -> cri.podSandboxStatus(podId).getStatus().getState() == PodSandboxState.SANDBOX_NOTREADY),
                "CRI reports the pod not ready");
        // Its container went with the shim (containerd ran delete on its bundle too); CRI learns it from the task's Wait.
        Pods.awaitState(cri, app, ContainerState.CONTAINER_EXITED, EXIT);
        remove(podId);
        assertTrue(Containerd.mountsUnder(node.containerd().dir()).stream().noneMatch(m -> m.contains(podId) || m.contains(app)),
                "no mount left: " + Containerd.mountsUnder(node.containerd().dir()));
    }

    /** The hostname as a process sees it (its uts namespace), read by nsenter's hostname. */
    private static String hostnameIn(long pid) {
        try {
            Process p = new ProcessBuilder("nsenter", "--target", Long.toString(pid), "--uts", "hostname")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
