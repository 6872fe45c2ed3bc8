package dev.wasmj.libcontainer.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What makes an init poolable (its profile), and the text of a claim. */
class LaunchProfileTest {
    @Test
    void onlyFreshNamespacesWithoutAUserNamespaceArePooled() {
        List<String> cmd = List.of("java", "Init");
        assertEquals(Optional.of(new LaunchProfile(cmd, "e", 0x20000, 0, "/default")),
                LaunchProfile.of(new LaunchOptions().newNamespaces(0x20000), cmd, "e", "/default/c1"));
        assertEquals("/", LaunchProfile.of(new LaunchOptions(), cmd, "e", "/c1").orElseThrow().cgroupParent());
        assertTrue(LaunchProfile.of(new LaunchOptions().newUserNamespace("0 1000 1", "0 1000 1"), cmd, "e", "/d/c").isEmpty(),
                "a user namespace's maps are the container's");
        assertTrue(LaunchProfile.of(new LaunchOptions().joinNamespace(0x40000000, "/proc/1/ns/net"), cmd, "e", "/d/c").isEmpty(),
                "a pod's namespaces are not pooled");
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
