package dev.wasmj.shim.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.cri.LinuxPodSandboxConfig;
import dev.wasmj.shim.proto.cri.LinuxSandboxSecurityContext;
import dev.wasmj.shim.proto.cri.NamespaceMode;
import dev.wasmj.shim.proto.cri.NamespaceOption;
import dev.wasmj.shim.proto.cri.PodSandboxConfig;
import dev.wasmj.shim.proto.cri.PodSandboxMetadata;
import dev.wasmj.shim.proto.cri.UserNamespace;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodConfigTest {

    private static Optional<Any> options(NamespaceOption.Builder ns, Map<String, String> sysctls) {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName("web"))
                .setHostname("web-0")
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/kubepods/pod1").putAllSysctls(sysctls)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)))
                .build();
        return Optional.of(Any.newBuilder().setTypeUrl(PodConfig.TYPE_URL).setValue(pod.toByteString()).build());
    }

    private static NamespaceOption.Builder kubeletDefaults() {
        return NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD).setIpc(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER);
    }

    @Test
    void aKubeletPodHasItsOwnNetworkIpcAndUtsAndItsContainersTheirOwnPid() throws Exception {
        PodConfig pod = PodConfig.from(options(kubeletDefaults(), Map.of()), true);
        assertEquals("web-0", pod.hostname());
        assertTrue(pod.ownNetwork() && pod.ownIpc());
        assertFalse(pod.sharedPid());
        assertEquals("/kubepods/pod1", pod.cgroupParent());
        assertTrue(PodConfig.from(options(kubeletDefaults().setPid(NamespaceMode.POD), Map.of()), true).sharedPid(),
                "shareProcessNamespace");
    }

    @Test
    void hostNetworkKeepsTheNodesNetworkAndHostname() throws Exception {
        PodConfig pod = PodConfig.from(options(kubeletDefaults().setNetwork(NamespaceMode.NODE).setIpc(NamespaceMode.NODE),
                Map.of()), false);
        assertFalse(pod.ownNetwork());
        assertFalse(pod.ownIpc());
        assertEquals("", pod.hostname(), "the node's uts namespace is not renamed");
    }

    @Test
    void sysctlsOfThePodsNamespacesPassAndAnyOtherIsRefused() throws Exception {
        assertEquals(Map.of("net.ipv4.ip_unprivileged_port_start", "0", "kernel.shmmax", "1000"),
                PodConfig.from(options(kubeletDefaults(), Map.of("net.ipv4.ip_unprivileged_port_start", "0",
                        "kernel.shmmax", "1000")), true).sysctls());
        PodConfig.PodException global = assertThrows(PodConfig.PodException.class,
                () -> PodConfig.from(options(kubeletDefaults(), Map.of("kernel.panic", "1")), true));
        assertTrue(global.getMessage().contains("sysctl kernel.panic is not in a namespace of the pod's own"), global.getMessage());
        assertThrows(PodConfig.PodException.class, () -> PodConfig.from(options(kubeletDefaults().setNetwork(NamespaceMode.NODE),
                Map.of("net.ipv4.ip_forward", "1")), false), "a net sysctl on the node's network");
    }

    @Test
    void aPodUserNamespaceIsRefusedAsUnsupportedNamingTheWayOut() {
        PodConfig.PodException e = assertThrows(PodConfig.PodException.class, () -> PodConfig.from(
                options(kubeletDefaults().setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.POD)), Map.of()), true));
        assertTrue(e.unsupported());
        assertTrue(e.getMessage().contains("sandboxer = \"podsandbox\""), e.getMessage());
    }

    @Test
    void optionsOfAnotherTypeOrUnreadableAreRefusedAndNoneGiveDefaults() throws Exception {
        assertTrue(PodConfig.from(Optional.empty(), true).ownNetwork());
        PodConfig.PodException other = assertThrows(PodConfig.PodException.class, () -> PodConfig.from(
                Optional.of(Any.newBuilder().setTypeUrl("containerd.runc.v1.Options").build()), true));
        assertTrue(other.getMessage().contains("expected runtime.v1.PodSandboxConfig"), other.getMessage());
        assertThrows(PodConfig.PodException.class, () -> PodConfig.from(Optional.of(Any.newBuilder().setTypeUrl(PodConfig.TYPE_URL)
                .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 1, 2})).build()), true));
    }
}
