package dev.wasmj.libcontainer.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.oci.runtime.LinuxHugepageLimit;
import dev.wasmj.oci.runtime.LinuxMemory;
import dev.wasmj.oci.runtime.LinuxResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The v2 manager on the real cgroup2 mount of this machine (/sys/fs/cgroup/unified on the hybrid test
 * machine, /sys/fs/cgroup on a pure v2 host); needs root.
 */
class V2CgroupTest {
    private static CgroupSetup detected;
    private static Path mount;
    private static List<String> rootControllersBefore;

    private String top;
    private Process process;

    @BeforeAll
    static void requireV2() throws Exception {
        assumeTrue(TestCgroups.isRoot(), "needs root");
        detected = CgroupSetup.detect();
        assumeTrue(detected.unifiedMount().isPresent(), "no cgroup2 mount");
        mount = detected.unifiedMount().get();
        rootControllersBefore = CgroupFiles.readWords(mount.resolve("cgroup.subtree_control"));
    }

    @BeforeEach
    void name() {
        top = TestCgroups.uniqueTopLevel();
    }

    @AfterEach
    void cleanUp() throws Exception {
        TestCgroups.kill(process);
        TestCgroups.removeEverywhere(detected, top);
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        if (detected == null) return;
        restoreSubtreeControl(mount, rootControllersBefore);
        TestCgroups.assertNoLeftovers(detected);
    }

    /** Disables at the mount's root the controllers our create() enabled there (best effort). */
    static void restoreSubtreeControl(Path mount, List<String> before) {
        if (mount == null) return;
        try {
            for (String c : CgroupFiles.readWords(mount.resolve("cgroup.subtree_control"))) {
                if (!before.contains(c) && V2Manager.WANTED_CONTROLLERS.contains(c)) {
                    try {
                        CgroupFiles.write(mount.resolve("cgroup.subtree_control"), "-" + c);
                    } catch (CgroupException e) {
                        System.err.println("cleanup: " + e.getMessage()); // e.g. still used by another cgroup
                    }
                }
            }
        } catch (CgroupException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    @Test
    void lifecycle() throws Exception {
        CgroupManager m = Cgroups.forContainer(CgroupSetup.unified(mount), top + "/c1", "c1");
        assertEquals(CgroupSetup.Mode.UNIFIED, m.mode());
        m.create();
        Path dir = mount.resolve(top.substring(1)).resolve("c1");
        assertTrue(Files.isDirectory(dir));
        assertEquals(List.of(dir.resolve("cgroup.procs")), m.placementFiles());

        process = TestCgroups.startSleep();
        m.addProcess(process.pid());
        assertEquals(List.of(process.pid()), m.pids());
        assertEquals(List.of(process.pid()), m.pids(), "listed once");

        assertEquals(FreezerState.THAWED, m.freezerState());
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.freezerState());
        assertTrue(Files.readString(dir.resolve("cgroup.events")).contains("frozen 1"));
        m.thaw();
        assertEquals(FreezerState.THAWED, m.freezerState());
        assertTrue(Files.readString(dir.resolve("cgroup.events")).contains("frozen 0"));

        CgroupStats stats = m.stats();
        assertNotNull(stats.cpu(), "cpu.stat exists in every v2 cgroup");

        assertTrue(m.supportsKill());
        m.kill();
        assertTrue(process.waitFor(5, TimeUnit.SECONDS), "cgroup.kill killed the process");

        m.destroy();
        assertFalse(m.exists());
        assertFalse(Files.exists(dir));
        m.destroy();
    }

    @Test
    void subCgroupsAreListedAndRemovedDeepestFirst() throws Exception {
        CgroupManager m = Cgroups.forContainer(CgroupSetup.unified(mount), top, "x");
        m.create();
        Path sub = mount.resolve(top.substring(1)).resolve("inner/deeper");
        Files.createDirectories(sub); // what a container with its own cgroup namespace might do
        process = TestCgroups.startSleep();
        CgroupFiles.write(sub.resolve("cgroup.procs"), Long.toString(process.pid()));
        assertEquals(List.of(process.pid()), m.pids());
        m.kill();
        assertTrue(process.waitFor(5, TimeUnit.SECONDS));
        m.destroy();
        assertFalse(m.exists());
    }

    @Test
    void memoryLimitWithoutTheControllerFailsClearly() throws Exception {
        assumeTrue(!CgroupFiles.readWords(mount.resolve("cgroup.controllers")).contains("memory"),
                "this cgroup2 mount has a memory controller");
        CgroupManager m = Cgroups.forContainer(CgroupSetup.unified(mount), top, "x");
        m.create();
        LinuxMemory mem = new LinuxMemory();
        mem.setLimit(64L << 20);
        LinuxResources r = new LinuxResources();
        r.setMemory(mem);
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(r));
        assertEquals("memory limit requested but the memory controller is not available in " + mount, e.getMessage());
        m.destroy();
    }

    @Test
    void hugetlbOnTheRealMount() throws Exception {
        assumeTrue(CgroupFiles.readWords(mount.resolve("cgroup.controllers")).contains("hugetlb"), "no v2 hugetlb");
        assumeTrue(Files.exists(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB")));
        CgroupManager m = Cgroups.forContainer(CgroupSetup.unified(mount), top + "/c1", "c1");
        m.create(); // enables hugetlb from the root down
        LinuxHugepageLimit h = new LinuxHugepageLimit();
        h.setPageSize("2MB");
        h.setLimit(8L << 20);
        LinuxResources r = new LinuxResources();
        r.setHugepageLimits(List.of(h));
        m.apply(r);
        Path dir = mount.resolve(top.substring(1)).resolve("c1");
        assertEquals(Long.toString(8L << 20), Files.readString(dir.resolve("hugetlb.2MB.max")).trim());
        assertTrue(m.stats().hugetlb().containsKey("2MB"));
        m.destroy();
    }
}
