package dev.wasmj.libcontainer.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.oci.runtime.LinuxHugepageLimit;
import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
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

    /**
     * cgroup v2 has no device files: the rules are an eBPF filter the kernel runs on each open of a device node
     * by the cgroup's processes. An update replaces the filter (attached filters would otherwise all have to
     * allow).
     */
    @Test
    void deviceRulesAreEnforcedByTheKernelAndAnUpdateReplacesThem() throws Exception {
        CgroupManager m = Cgroups.forContainer(CgroupSetup.unified(mount), top + "/dev", "dev");
        m.create();
        LinuxResources r = new LinuxResources();
        r.setDevices(List.of(deviceRule(false, null, null, null), deviceRule(true, "c", 1L, 3L)));
        m.apply(r);
        String seen = openDevicesFrom(m);
        assertTrue(seen.contains("null opened"), seen);
        assertTrue(seen.contains("Operation not permitted") && seen.contains("zero refused"), seen);

        r.setDevices(List.of(deviceRule(false, null, null, null), deviceRule(true, "c", 1L, 3L), deviceRule(true, "c", 1L, 5L)));
        m.apply(r);
        seen = openDevicesFrom(m);
        assertTrue(seen.contains("null opened") && seen.contains("zero opened"), "the new rules, not both: " + seen);
        m.destroy();
    }

    private static LinuxDeviceCgroup deviceRule(boolean allow, String type, Long major, Long minor) {
        LinuxDeviceCgroup d = new LinuxDeviceCgroup();
        d.setAllow(allow);
        d.setType(type);
        d.setMajor(major);
        d.setMinor(minor);
        d.setAccess("rwm");
        return d;
    }

    /** A shell that moves itself into the cgroup, then opens /dev/null and /dev/zero (1:3 and 1:5). */
    private String openDevicesFrom(CgroupManager m) throws Exception {
        process = new ProcessBuilder("sh", "-c", "echo 0 > " + m.placementFiles().get(0) + " || exit 1; "
                + "echo x > /dev/null && echo null opened; head -c 1 /dev/zero > /dev/null && echo zero opened || echo zero refused")
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        return out;
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
