package dev.wasmj.libcontainer.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CgroupSetupTest {
    private static final String PURE_V2 = """
            22 28 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
            24 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
            30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            31 24 0:27 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:5 - pstore pstore rw
            """;

    private static final String HYBRID = """
            25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:6 - tmpfs tmpfs ro,mode=755
            26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:7 - cgroup2 cgroup2 rw,nsdelegate
            27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,xattr,name=systemd
            30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct
            31 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory
            32 25 0:30 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpuset,clone_children
            33 25 0:31 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,pids
            """;

    private static final String LEGACY = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            90 28 0:32 / /var/lib/some\\040dir/memory rw,relatime - cgroup cgroup rw,memory
            """;

    @Test
    void pureV2() throws Exception {
        CgroupSetup s = CgroupSetup.parse(PURE_V2);
        assertEquals(CgroupSetup.Mode.UNIFIED, s.mode());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup")), s.unifiedMount());
        assertTrue(s.v1Hierarchies().isEmpty());
    }

    @Test
    void hybridWithCoMountedControllers() throws Exception {
        CgroupSetup s = CgroupSetup.parse(HYBRID);
        assertEquals(CgroupSetup.Mode.HYBRID, s.mode());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), s.unifiedMount());
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), s.v1Hierarchies().get("cpu"));
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), s.v1Hierarchies().get("cpuacct"));
        assertEquals(Path.of("/sys/fs/cgroup/systemd"), s.v1Hierarchies().get("name=systemd"));
        assertEquals(Path.of("/sys/fs/cgroup/cpuset"), s.v1Hierarchies().get("cpuset"));
        // Options that are not controllers (xattr, clone_children, nsdelegate) are not taken for ones.
        assertEquals(java.util.Set.of("name=systemd", "cpu", "cpuacct", "memory", "cpuset", "pids"), s.v1Hierarchies().keySet());
        assertEquals(5, s.v1MountPoints().size());
        assertEquals(6, s.allMountPoints().size());
    }

    @Test
    void legacyPrefersSysFsCgroupAndUnescapes() throws Exception {
        CgroupSetup s = CgroupSetup.parse(LEGACY);
        assertEquals(CgroupSetup.Mode.LEGACY, s.mode());
        assertTrue(s.unifiedMount().isEmpty());
        assertEquals(Path.of("/sys/fs/cgroup/memory"), s.v1Hierarchies().get("memory"));
        CgroupSetup other = CgroupSetup.parse("90 28 0:32 / /var/lib/some\\040dir/memory rw - cgroup cgroup rw,memory\n");
        assertEquals(Path.of("/var/lib/some dir/memory"), other.v1Hierarchies().get("memory"));
        assertEquals("cgroup v1 at /sys/fs/cgroup/{cpu,memory,freezer,systemd}", s.toString());
    }

    @Test
    void noCgroupsAtAll() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupSetup.parse("22 28 0:20 / /proc rw - proc proc rw\n"));
        assertTrue(e.getMessage().contains("no cgroup file system"), e.getMessage());
    }

    /** This machine: v1 controllers under /sys/fs/cgroup and a cgroup2 mount at /sys/fs/cgroup/unified. */
    @Test
    void detectsThisMachine() throws Exception {
        assumeTrue(Files.exists(Path.of("/sys/fs/cgroup/unified/cgroup.controllers"))
                && Files.exists(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes")), "not the hybrid test machine");
        CgroupSetup s = CgroupSetup.detect();
        assertEquals(CgroupSetup.Mode.HYBRID, s.mode());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), s.unifiedMount());
        for (String c : new String[] {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"}) {
            assertEquals(Path.of("/sys/fs/cgroup/" + c), s.v1Hierarchies().get(c), c);
        }
        assertEquals(Path.of("/sys/fs/cgroup/systemd"), s.v1Hierarchies().get("name=systemd"));
    }
}
