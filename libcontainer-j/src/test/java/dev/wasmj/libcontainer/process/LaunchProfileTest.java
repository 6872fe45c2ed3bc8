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
        assertEquals(Optional.of(new LaunchProfile(cmd, "e", 0x20000, List.of(), 0, 0, "/default")),
                LaunchProfile.of(new LaunchOptions().newNamespaces(0x20000), cmd, "e", "/default/c1"));
        assertTrue(LaunchProfile.of(new LaunchOptions().newNamespaces(0x20000), cmd, "e", "/c1").isEmpty(),
                "no init waits in the root cgroup, charged to no one");
        assertTrue(LaunchProfile.of(new LaunchOptions(), cmd, "e", "/d/c1").isEmpty(), "no mount namespace of its own");
        assertTrue(LaunchProfile.of(new LaunchOptions().newNamespaces(0x20000).newUserNamespace("0 1000 1", "0 1000 1"), cmd, "e", "/d/c").isEmpty(),
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
        assertTrue(LaunchProfile.of(new LaunchOptions().newNamespaces(CloneFlags.NEWNS).joinNamespace(CloneFlags.NEWNS, "/proc/self/ns/mnt"), cmd, "e", "/d/c").isEmpty(),
                "another container's mounts are not pooled");
        assertTrue(LaunchProfile.of(new LaunchOptions().newNamespaces(CloneFlags.NEWNS).joinNamespace(CloneFlags.NEWPID, "/proc/self/ns/pid"), cmd, "e", "/d/c").isEmpty(),
                "nor its processes");
        assertTrue(LaunchProfile.of(new LaunchOptions().newNamespaces(CloneFlags.NEWNS).joinNamespace(CloneFlags.NEWNET, "/proc/999999999/ns/net"), cmd, "e", "/d/c").isEmpty(),
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
    void anyPodsSandboxIsServedByOneKindOfInitThatJoinsItsNetworkAtItsClaim() {
        List<String> cmd = List.of("java", "Init");
        int own = CloneFlags.NEWNS | CloneFlags.NEWPID | CloneFlags.NEWIPC | CloneFlags.NEWUTS;
        LaunchProfile one = LaunchProfile.forSandboxes(new LaunchOptions().newNamespaces(own)
                .joinNamespace(CloneFlags.NEWNET, "/var/run/netns/cni-1"), cmd, "e", "/kubepods/besteffort/pod1/s1").orElseThrow();
        LaunchProfile two = LaunchProfile.forSandboxes(new LaunchOptions().newNamespaces(own)
                .joinNamespace(CloneFlags.NEWNET, "/var/run/netns/cni-2"), cmd, "e", "/kubepods/besteffort/pod2/s2").orElseThrow();
        assertEquals(one, two, "two pods, one kind");
        assertEquals("/kubepods/besteffort", one.cgroupParent(), "it waits beside the pods' cgroups");
        assertEquals(own | CloneFlags.NEWNET, one.newNamespaces(), "born in an empty network namespace of its own");
        assertEquals(CloneFlags.NEWNET, one.joinedAtClaim());
        assertTrue(one.joined().isEmpty());
        assertTrue(LaunchProfile.forSandboxes(new LaunchOptions().newNamespaces(own).joinNamespace(CloneFlags.NEWNET, "/n"), cmd, "e",
                "/k8s.io/s").isEmpty(), "pods without a parent of their own: it would wait in the root cgroup");

        assertTrue(LaunchProfile.forSandboxes(new LaunchOptions().newNamespaces(own | CloneFlags.NEWNET), cmd, "e", "/k/p/s").isEmpty(),
                "a network namespace of its own (no CNI) is not one to join at a claim");
        assertTrue(LaunchProfile.forSandboxes(new LaunchOptions().newNamespaces(own | CloneFlags.NEWCGROUP)
                .joinNamespace(CloneFlags.NEWNET, "/n"), cmd, "e", "/k/p/s").isEmpty(), "a cgroup namespace is rooted at its spawn");
        assertTrue(LaunchProfile.forSandboxes(new LaunchOptions().newUserNamespace("0 1000 1", "0 1000 1")
                .joinNamespace(CloneFlags.NEWNET, "/n"), cmd, "e", "/k/p/s").isEmpty());
        assertTrue(LaunchProfile.forSandboxes(new LaunchOptions().newNamespaces(own).joinNamespace(CloneFlags.NEWNET, "/n")
                .joinNamespace(CloneFlags.NEWIPC, "/i"), cmd, "e", "/k/p/s").isEmpty());
        assertTrue(LaunchProfile.forSandboxes(new LaunchOptions().newNamespaces(own).joinNamespace(CloneFlags.NEWNET, "/n"), cmd, "e", "/s")
                .isEmpty(), "no pod cgroup above the sandbox's");
        assertTrue(LaunchProfile.forSandboxes(new LaunchOptions().joinNamespace(CloneFlags.NEWNET, "/n"), cmd, "e", "/k/p/s").isEmpty(),
                "no mount namespace of its own");
        assertEquals("/var/run/netns/cni-1", LaunchProfile.networkPath(new LaunchOptions().newNamespaces(own)
                .joinNamespace(CloneFlags.NEWNET, "/var/run/netns/cni-1")));
    }

    @Test
    void theMembersOfAPodWhoseSandboxJoinedItsNetworkByPathJoinThatPath() {
        List<String> cmd = List.of("java", "Init");
        LaunchProfile sandbox = LaunchProfile.of(new LaunchOptions().newNamespaces(CloneFlags.NEWNS | CloneFlags.NEWUTS)
                .joinNamespace(CloneFlags.NEWNET, "/proc/self/ns/net"), cmd, "e", "/pods/p1/sandbox").orElseThrow();
        LaunchProfile members = sandbox.forPodMembers((int) ProcessHandle.current().pid()).orElseThrow();
        assertTrue(members.joined().stream().anyMatch(j -> j.cloneFlag() == CloneFlags.NEWNET && j.path().equals("/proc/self/ns/net")),
                "the sandbox's own path: /proc/<its pid> shows its main thread's network only after its execve: " + members.joined());
    }

    @Test
    void theClaimMessageNamesEachFdsSlotAndTheMountPath() {
        byte[] text = "1,2,4,5,6,7,8|/run/c/rootfs".getBytes();
        ClaimMessage m = ClaimMessage.parse(text, text.length);
        assertEquals(List.of(1, 2, 4, 5, 6, 7, 8), m.slots());
        assertEquals(List.of("/run/c/rootfs"), m.mountsAt());
        byte[] plain = "1,2,4".getBytes();
        assertEquals(List.of(), ClaimMessage.parse(plain, plain.length).mountsAt());
        assertEquals(false, ClaimMessage.parse(plain, plain.length).joinsNetwork());
        String all = ClaimMessage.format(List.of(1, 2, 4), true, List.of("/run/s/shm", "/run/c/rootfs"));
        assertEquals("1,2,4+net|/run/s/shm|/run/c/rootfs", all);
        ClaimMessage n = ClaimMessage.parse(all.getBytes(), all.length());
        assertEquals(List.of(1, 2, 4), n.slots());
        assertTrue(n.joinsNetwork());
        assertEquals(List.of("/run/s/shm", "/run/c/rootfs"), n.mountsAt());
        assertEquals(3, n.networkIndex());
        assertEquals(4, n.treeIndex(0), "the trees come after the network namespace");
        assertEquals(5, n.treeIndex(1));
        assertEquals("1,2,4", ClaimMessage.format(List.of(1, 2, 4), false, List.of()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ClaimMessage.format(List.of(1), false, List.of("/a|b")), "a path that would read as two");
        for (String bad : new String[] {"1,3", "0,1", "1,x", "1|relative"}) {
            byte[] b = bad.getBytes();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ClaimMessage.parse(b, b.length), bad);
        }
    }

}
