package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShimArgsTest {

    @Test
    void readsWhatContainerdPassesToStart() {
        ShimArgs a = ShimArgs.parse(new String[] {"-namespace", "k8s.io", "-address", "/run/containerd/containerd.sock",
                "-publish-binary", "/usr/bin/containerd", "-id", "c1", "-debug", "start"});
        assertEquals("k8s.io", a.namespace());
        assertEquals("/run/containerd/containerd.sock", a.address());
        assertEquals("/usr/bin/containerd", a.publishBinary());
        assertEquals("c1", a.id());
        assertTrue(a.debug());
        assertEquals("start", a.action());
    }

    @Test
    void acceptsGoFlagSpellings() {
        ShimArgs a = ShimArgs.parse(new String[] {"--namespace=default", "-id=x", "-bundle", "/b", "delete"});
        assertEquals("default", a.namespace());
        assertEquals("x", a.id());
        assertEquals(Path.of("/b"), a.bundleDir());
        assertEquals("delete", a.action());
    }

    @Test
    void versionAndInfoFlags() {
        assertTrue(ShimArgs.parse(new String[] {"-v"}).version());
        assertTrue(ShimArgs.parse(new String[] {"-info"}).info());
    }

    @Test
    void unknownFlagAndMissingValueAreErrorsNamingTheFlag() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> ShimArgs.parse(new String[] {"-bogus", "start"}));
        assertTrue(unknown.getMessage().contains("-bogus"), unknown.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> ShimArgs.parse(new String[] {"-id"}));
        assertTrue(missing.getMessage().contains("-id"), missing.getMessage());
    }

    @Test
    void serverArgumentsRepeatTheFlagsWithTheSocket() {
        ShimArgs a = ShimArgs.parse(new String[] {"-namespace", "n", "-address", "/a.sock", "-publish-binary", "/c",
                "-id", "c1", "-bundle", "/b", "-debug", "start"});
        List<String> server = a.toArgs("serve", Path.of("/s/x"));
        ShimArgs again = ShimArgs.parse(server.toArray(String[]::new));
        assertEquals("serve", again.action());
        assertEquals(Path.of("/s/x"), again.socket());
        assertEquals("n", again.namespace());
        assertTrue(again.debug());
    }
}
