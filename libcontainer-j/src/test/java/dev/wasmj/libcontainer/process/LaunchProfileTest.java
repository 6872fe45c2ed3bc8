package dev.wasmj.libcontainer.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.syscall.CloneFlags;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What makes an init poolable (its profile), and the text of a claim. */
class LaunchProfileTest {
    @Test
    void onlyFreshNamespacesWithoutAUserNamespaceArePooled() {
        List<String> cmd = List.of("java", "Init");
        assertEquals(Optional.of(new LaunchProfile(cmd, "e", 0x20000, List.of(), 0, "/default")),
                LaunchProfile.of(new LaunchOptions().newNamespaces(0x20000), cmd, "e", "/default/c1"));
        assertEquals("/", LaunchProfile.of(new LaunchOptions(), cmd, "e", "/c1").orElseThrow().cgroupParent());
        assertTrue(LaunchProfile.of(new LaunchOptions().newUserNamespace("0 1000 1", "0 1000 1"), cmd, "e", "/d/c").isEmpty(),
                "a user namespace's maps are the container's");
    }

    @Test
    void aPodsNamespacesArePooledByWhatTheyAreNotByTheirPath() {
        List<String> cmd = List.of("java", "Init");
        LaunchProfile byThread = LaunchProfile.of(new LaunchOptions().joinNamespace(CloneFlags.NEWNET, "/proc/thread-self/ns/net")
                .newNamespaces(CloneFlags.NEWNS), cmd, "e", "/pod/c1").orElseThrow();
        LaunchProfile byPid = LaunchProfile.of(new LaunchOptions().joinNamespace(CloneFlags.NEWNET,
                "/proc/" + ProcessHandle.current().pid() + "/ns/net").newNamespaces(CloneFlags.NEWNS), cmd, "e", "/pod/c2").orElseThrow();
        assertEquals(byThread, byPid, "the same network namespace, named two ways");
        assertEquals(1, byPid.joined().size());
        assertTrue(LaunchProfile.of(new LaunchOptions().joinNamespace(CloneFlags.NEWNS, "/proc/self/ns/mnt"), cmd, "e", "/d/c").isEmpty(),
                "another container's mounts are not pooled");
        assertTrue(LaunchProfile.of(new LaunchOptions().joinNamespace(CloneFlags.NEWPID, "/proc/self/ns/pid"), cmd, "e", "/d/c").isEmpty(),
                "nor its processes");
        assertTrue(LaunchProfile.of(new LaunchOptions().joinNamespace(CloneFlags.NEWNET, "/proc/999999999/ns/net"), cmd, "e", "/d/c").isEmpty(),
                "a namespace that cannot be told: its create fails with the reason, fresh");
    }

    @Test
    void aPodsContainersJoinTheSandboxsSharedNamespacesAndGetTheOthersNew() {
        List<String> cmd = List.of("java", "Init");
        int all = CloneFlags.NEWNS | CloneFlags.NEWPID | CloneFlags.NEWIPC | CloneFlags.NEWUTS;
        LaunchProfile sandbox = LaunchProfile.of(new LaunchOptions().newNamespaces(all)
                .joinNamespace(CloneFlags.NEWNET, "/proc/self/ns/net").preserveFd(7), cmd, "e", "/pods/p1/sandbox").orElseThrow();
        int self = (int) ProcessHandle.current().pid();
        LaunchProfile members = sandbox.forPodMembers(self).orElseThrow();
        assertEquals(CloneFlags.NEWNS | CloneFlags.NEWPID, members.newNamespaces());
        assertEquals(List.of(CloneFlags.NEWUTS, CloneFlags.NEWIPC, CloneFlags.NEWNET),
                members.joined().stream().map(LaunchProfile.JoinedNamespace::cloneFlag).toList());
        for (String type : List.of("net", "ipc", "uts")) {
            LaunchProfile.JoinedNamespace own = LaunchProfile.JoinedNamespace.at(0, "/proc/self/ns/" + type).orElseThrow();
            assertTrue(members.joined().stream().anyMatch(j -> j.identity().equals(own.identity())), type);
        }
        assertEquals("/pods/p1", members.cgroupParent());
        assertEquals(0, members.preservedFds());
        assertTrue(members.joinsAnyOf(List.of(LaunchProfile.JoinedNamespace.at(CloneFlags.NEWNET, "/proc/self/ns/net").orElseThrow())));
        LaunchProfile noneShared = LaunchProfile.of(new LaunchOptions().newNamespaces(CloneFlags.NEWNS), cmd, "e", "/p/s").orElseThrow();
        assertTrue(noneShared.forPodMembers(self).isEmpty(), "nothing to share: no pod profile");
    }

    @Test
    void theClaimMessageNamesEachFdsSlotAndTheMountPath() {
        byte[] text = "1,2,4,5,6,7,8|/run/c/rootfs".getBytes();
        ClaimMessage m = ClaimMessage.parse(text, text.length);
        assertEquals(List.of(1, 2, 4, 5, 6, 7, 8), m.slots());
        assertEquals("/run/c/rootfs", m.mountAt());
        byte[] plain = "1,2,4".getBytes();
        assertEquals(null, ClaimMessage.parse(plain, plain.length).mountAt());
        for (String bad : new String[] {"1,3", "0,1", "1,x", "1|relative"}) {
            byte[] b = bad.getBytes();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ClaimMessage.parse(b, b.length), bad);
        }
    }

}
