package dev.wasmj.libcontainer.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgroupPathTest {
    @Test
    void nullOrEmptyGivesTheDefault() throws Exception {
        assertEquals("/libcontainer-j/abc", CgroupPath.resolve(null, "abc"));
        assertEquals("/libcontainer-j/abc", CgroupPath.resolve("", "abc"));
        assertThrows(CgroupException.class, () -> CgroupPath.resolve(null, "a/b"));
        assertThrows(CgroupException.class, () -> CgroupPath.resolve(null, ".."));
    }

    @Test
    void absoluteAndRelativeAreBelowTheHierarchyRoot() throws Exception {
        assertEquals("/kubepods/pod1/c1", CgroupPath.resolve("/kubepods/pod1/c1", "x"));
        assertEquals("/kubepods/pod1/c1", CgroupPath.resolve("kubepods/pod1/c1", "x"));
        assertEquals("/a/b", CgroupPath.resolve("//a/./b/", "x"));
    }

    @Test
    void systemdFormIsRejectedClearly() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupPath.resolve("system.slice:wasmj:abc", "abc"));
        assertEquals(CgroupPath.systemdPathRefusal("system.slice:wasmj:abc",
                java.nio.file.Files.isDirectory(CgroupPath.SYSTEMD_RUNNING)), e.getMessage());
    }

    @Test
    void theRefusalSaysWhetherSystemdRuns() {
        assertEquals("cgroupsPath \"kubepods.slice:cri-containerd:abc\" is a systemd cgroup path (slice:prefix:name), "
                + "but systemd is not running on this machine (no /run/systemd/system); use a cgroupfs path (/a/b), "
                + "e.g. SystemdCgroup = false in the runtime's options",
                CgroupPath.systemdPathRefusal("kubepods.slice:cri-containerd:abc", false));
        assertEquals("cgroupsPath \"a:b:c\" is a systemd cgroup path (slice:prefix:name), and this runtime has no "
                + "systemd cgroup driver yet; use a cgroupfs path (/a/b), e.g. SystemdCgroup = false in the runtime's "
                + "options", CgroupPath.systemdPathRefusal("a:b:c", true));
    }

    @Test
    void dotDotAndRootAreRejected() {
        CgroupException e = assertThrows(CgroupException.class, () -> CgroupPath.resolve("/a/../../etc", "x"));
        assertTrue(e.getMessage().contains(".."), e.getMessage());
        assertThrows(CgroupException.class, () -> CgroupPath.resolve("../x", "x"));
        assertThrows(CgroupException.class, () -> CgroupPath.resolve("/", "x"));
    }

    @Test
    void factoryUsesTheResolvedPathInEveryHierarchy() throws Exception {
        CgroupSetup setup = CgroupSetup.hybrid(Map.of("memory", Path.of("/cg/memory"), "pids", Path.of("/cg/pids")),
                Path.of("/cg/unified"));
        CgroupManager m = Cgroups.forContainer(setup, null, "c1");
        assertEquals("/libcontainer-j/c1", m.path());
        assertEquals(CgroupSetup.Mode.HYBRID, m.mode());
        assertEquals(java.util.Set.of(Path.of("/cg/memory/libcontainer-j/c1/cgroup.procs"),
                Path.of("/cg/pids/libcontainer-j/c1/cgroup.procs"), Path.of("/cg/unified/libcontainer-j/c1/cgroup.procs")),
                java.util.Set.copyOf(m.placementFiles()));
        assertThrows(CgroupException.class, () -> Cgroups.forContainer(setup, "a:b:c", "c1"));
    }
}
