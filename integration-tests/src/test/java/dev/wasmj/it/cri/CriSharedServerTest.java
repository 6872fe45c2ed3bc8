package dev.wasmj.it.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.cri.proto.ContainerState;
import dev.wasmj.it.cri.proto.NamespaceMode;
import dev.wasmj.it.cri.proto.PodSandboxConfig;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.support.ShimServers;
import dev.wasmj.it.wasm.WasmFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods through CRI with shared shim servers, as by default ({@code WASMJ_SHIM_GROUPS} 16; the other CRI suites run
 * a server per pod): two pods share one server, each pod's containers and logs are its own, one pod's removal leaves
 * the other's containers running, and each pod's inits started ahead are its own (CriPrestartedInitTest has the rest).
 */
class CriSharedServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    @Test
    void twoPodsShareAServerAndOnePodsRemovalLeavesTheOther() throws IOException {
        RootOnly.check();
        try (CriFixture node = CriFixture.start(tmp, "16")) {
            CriClient cri = node.cri();
            String wasm = WasmFixture.probeImage(node.ctr(), tmp);
            PodSandboxConfig a = Pods.config("shared-a", tmp.resolve("logs/shared-a"), NamespaceMode.CONTAINER);
            PodSandboxConfig b = Pods.config("shared-b", tmp.resolve("logs/shared-b"), NamespaceMode.CONTAINER);
            String podA = Pods.run(cri, a);
            String podB = Pods.run(cri, b);
            String appA = Pods.create(cri, podA, a, Pods.container("app", wasm, "sleep"));
            String appB = Pods.create(cri, podB, b, Pods.container("app", wasm, "sleep"));
            String twoB = Pods.create(cri, podB, b, Pods.container("two", wasm, "sleep"));
            for (String id : List.of(appA, appB, twoB)) cri.startContainer(id);
            for (String id : List.of(appA, appB, twoB)) Pods.awaitState(cri, id, ContainerState.CONTAINER_RUNNING, WAIT);

            List<Long> serverA = ShimServers.serving(address(node, appA));
            assertEquals(1, serverA.size(), "one server JVM: " + serverA);
            assertEquals(serverA, ShimServers.serving(address(node, appB)), "the two pods share it");
            for (String id : List.of(appA, appB, twoB)) {
                long pid = Pods.containerPid(cri, id);
                assertFalse(Pods.cgroup(pid).contains("wasmj-ready"), "a container's cgroup is its own: " + Pods.cgroup(pid));
            }
            long sandboxA = Pods.sandboxPid(cri, podA);
            long sandboxB = Pods.sandboxPid(cri, podB);
            assertEquals(Pods.namespace(sandboxA, "net"), Pods.namespace(Pods.containerPid(cri, appA), "net"));
            for (String id : List.of(appB, twoB)) {
                assertEquals(Pods.namespace(sandboxB, "net"), Pods.namespace(Pods.containerPid(cri, id), "net"), "pod B's own network");
            }
            for (String pod : List.of("shared-a", "shared-b")) {
                assertTrue(Pods.parkedBelow(Pods.CGROUP_ROOT + "/" + pod).size() <= 1, "at most one init waits per pod: "
                        + Pods.parkedBelow(Pods.CGROUP_ROOT + "/" + pod));
            }

            cri.stopPodSandbox(podA);
            cri.removePodSandbox(podA);
            assertEquals(serverA, ShimServers.serving(address(node, appB)), "the server stays for pod B");
            for (String id : List.of(appB, twoB)) Pods.awaitState(cri, id, ContainerState.CONTAINER_RUNNING, WAIT);
            assertTrue(cri.containerStats(twoB).getStats().getMemory().getWorkingSetBytes().getValue() > 0, "pod B is still served");
            assertTrue(Containerd.mountsUnder(node.containerd().dir()).stream().noneMatch(m -> m.contains(appA)),
                    "pod A's container left no mount");

            cri.stopPodSandbox(podB);
            cri.removePodSandbox(podB);
        } finally {
            assertEquals(List.of(), Pods.removeCgroupRoot(), "container cgroups left behind");
        }
    }

    private static String address(CriFixture node, String containerId) throws IOException {
        return Files.readString(node.containerd().bundle(CriFixture.K8S_NAMESPACE, containerId).resolve("address")).trim();
    }
}
