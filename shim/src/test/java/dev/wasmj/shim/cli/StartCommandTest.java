package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StartCommandTest {

    @Test
    void containerd16GetsTheBareAddress() {
        assertEquals("unix:///run/x", StartCommand.bootstrap("unix:///run/x", null));
    }

    @Test
    void containerd17GetsVersion2AndNewerGet3() {
        assertEquals("{\"version\":2,\"address\":\"unix:///run/x\",\"protocol\":\"ttrpc\"}",
                StartCommand.bootstrap("unix:///run/x", "2"));
        assertEquals("{\"version\":3,\"address\":\"unix:///run/x\",\"protocol\":\"ttrpc\"}",
                StartCommand.bootstrap("unix:///run/x", "3"));
        assertTrue(StartCommand.bootstrap("unix:///run/x", "7").contains("\"version\":3"));
    }

    @Test
    void socketIsSharedByAGroupAndSeparatePerContainerdInstance() {
        Path a = ShimSocket.path("/tmp/t1/containerd.sock", "ns", "pod1");
        assertEquals(a, ShimSocket.path("/tmp/t1/containerd.sock", "ns", "pod1"));
        assertNotEquals(a, ShimSocket.path("/tmp/t2/containerd.sock", "ns", "pod1"));
        assertNotEquals(a, ShimSocket.path("/tmp/t1/containerd.sock", "ns", "pod2"));
        assertEquals(Path.of("/tmp/t1/s"), a.getParent());
    }

    @Test
    void tooLongASocketPathFallsBackToRunContainerd() {
        String deep = "/tmp/" + "d".repeat(80) + "/containerd.sock";
        Path p = ShimSocket.path(deep, "ns", "g");
        assertTrue(p.toString().length() <= ShimSocket.MAX_PATH, p.toString());
        assertEquals(Path.of("/run/containerd/s"), p.getParent());
    }

    @Test
    void sandboxAnnotationIsFoundInTheConfigText() {
        String config = "{\"annotations\": {\"io.kubernetes.cri.container-type\": \"container\",\n"
                + "  \"io.kubernetes.cri.sandbox-id\" : \"4f2a\\\"x\"}, \"process\": {}}";
        assertEquals("4f2a\"x", StartCommand.sandboxId(config));
        assertEquals(null, StartCommand.sandboxId("{\"annotations\": {}}"));
    }
}
