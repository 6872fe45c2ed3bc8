package dev.wasmj.libcontainer.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.oci.runtime.LinuxBlockIo;
import dev.wasmj.oci.runtime.LinuxCpu;
import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
import dev.wasmj.oci.runtime.LinuxHugepageLimit;
import dev.wasmj.oci.runtime.LinuxMemory;
import dev.wasmj.oci.runtime.LinuxPids;
import dev.wasmj.oci.runtime.LinuxResources;
import dev.wasmj.oci.runtime.LinuxThrottleDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** cgroup v1 (and the hybrid layout of this machine) on the real kernel; needs root. */
class V1CgroupTest {
    private static CgroupSetup detected;
    private static List<String> unifiedRootControllersBefore;

    private String top;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void requireV1() throws Exception {
        assumeTrue(TestCgroups.isRoot(), "needs root");
        detected = CgroupSetup.detect();
        assumeTrue(detected.mode() != CgroupSetup.Mode.UNIFIED, "no cgroup v1 on this host");
        unifiedRootControllersBefore = detected.unifiedMount().isPresent()
                ? CgroupFiles.readWords(detected.unifiedMount().get().resolve("cgroup.subtree_control")) : List.of();
    }

    @BeforeEach
    void name() {
        top = TestCgroups.uniqueTopLevel();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) TestCgroups.kill(p);
        TestCgroups.removeEverywhere(detected, top);
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        if (detected == null) return;
        V2CgroupTest.restoreSubtreeControl(detected.unifiedMount().orElse(null), unifiedRootControllersBefore);
        TestCgroups.assertNoLeftovers(detected);
    }

    private Process track(Process p) {
        processes.add(p);
        return p;
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p).trim();
    }

    private static LinuxResources resources(long[] blockDevice) {
        LinuxMemory mem = new LinuxMemory();
        mem.setLimit(64L << 20);
        mem.setSwap(128L << 20);
        mem.setReservation(32L << 20);
        mem.setSwappiness(10L);
        LinuxCpu cpu = new LinuxCpu();
        cpu.setShares(512L);
        cpu.setQuota(50000L);
        cpu.setPeriod(100000L);
        cpu.setCpus("0");
        cpu.setMems("0");
        LinuxPids pids = new LinuxPids();
        pids.setLimit(20L);
        LinuxDeviceCgroup denyAll = new LinuxDeviceCgroup();
        denyAll.setAllow(false);
        denyAll.setAccess("rwm");
        List<LinuxDeviceCgroup> devices = new ArrayList<>(List.of(denyAll));
        for (long minor : new long[] {3, 5}) { // /dev/null, /dev/zero
            LinuxDeviceCgroup d = new LinuxDeviceCgroup();
            d.setAllow(true);
            d.setType("c");
            d.setMajor(1L);
            d.setMinor(minor);
            d.setAccess("rwm");
            devices.add(d);
        }
        LinuxResources r = new LinuxResources();
        r.setMemory(mem);
        r.setCpu(cpu);
        r.setPids(pids);
        r.setDevices(devices);
        if (blockDevice != null) {
            LinuxThrottleDevice t = new LinuxThrottleDevice();
            t.setMajor(blockDevice[0]);
            t.setMinor(blockDevice[1]);
            t.setRate(1048576L);
            LinuxBlockIo io = new LinuxBlockIo();
            io.setWeight(500);
            io.setThrottleReadBpsDevice(List.of(t));
            r.setBlockIO(io);
        }
        if (Files.exists(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB"))) {
            LinuxHugepageLimit h = new LinuxHugepageLimit();
            h.setPageSize("2MB");
            h.setLimit(4L << 20);
            r.setHugepageLimits(List.of(h));
        }
        return r;
    }

    /** The full life cycle with the detected (here: hybrid) layout. */
    @Test
    void lifecycle() throws Exception {
        CgroupManager m = Cgroups.forContainer(detected, top + "/c1", "c1");
        assertEquals(detected.mode(), m.mode());
        m.create();
        assertTrue(m.exists());
        for (Path root : detected.allMountPoints()) {
            assertTrue(Files.isDirectory(root.resolve(top.substring(1)).resolve("c1")), root.toString());
        }

        // cpuset: both the new parent and the container start with the root's cpus and mems.
        Path cpusetRoot = detected.v1Hierarchies().get("cpuset");
        if (cpusetRoot != null) {
            Path own = cpusetRoot.resolve(top.substring(1)).resolve("c1");
            assertEquals(read(cpusetRoot.resolve("cpuset.cpus")), read(own.resolve("cpuset.cpus")));
            assertEquals(read(cpusetRoot.resolve("cpuset.mems")), read(own.resolve("cpuset.mems")));
            assertEquals(read(cpusetRoot.resolve("cpuset.cpus")), read(own.getParent().resolve("cpuset.cpus")));
        }

        long[] blockDevice = detected.v1Hierarchies().containsKey("blkio") ? TestCgroups.someBlockDevice() : null;
        m.apply(resources(blockDevice));
        Path mem = dirOf("memory", "c1");
        assertEquals(Long.toString(64L << 20), read(mem.resolve("memory.limit_in_bytes")));
        if (Files.exists(mem.resolve("memory.memsw.limit_in_bytes"))) {
            assertEquals(Long.toString(128L << 20), read(mem.resolve("memory.memsw.limit_in_bytes")));
        }
        assertEquals(Long.toString(32L << 20), read(mem.resolve("memory.soft_limit_in_bytes")));
        assertEquals("10", read(mem.resolve("memory.swappiness")));
        assertEquals("20", read(dirOf("pids", "c1").resolve("pids.max")));
        Path cpu = dirOf("cpu", "c1");
        assertEquals("512", read(cpu.resolve("cpu.shares")));
        assertEquals("50000", read(cpu.resolve("cpu.cfs_quota_us")));
        assertEquals("100000", read(cpu.resolve("cpu.cfs_period_us")));
        assertEquals("0", read(dirOf("cpuset", "c1").resolve("cpuset.cpus")));
        assertEquals("c 1:3 rwm\nc 1:5 rwm", read(dirOf("devices", "c1").resolve("devices.list")));
        if (blockDevice != null) {
            Path blkio = dirOf("blkio", "c1");
            assertTrue(read(blkio.resolve("blkio.throttle.read_bps_device"))
                    .contains(blockDevice[0] + ":" + blockDevice[1] + " 1048576"));
            Path weight = Files.exists(blkio.resolve("blkio.weight")) ? blkio.resolve("blkio.weight") : blkio.resolve("blkio.bfq.weight");
            assertTrue(read(weight).contains("500"), read(weight));
        }
        if (Files.exists(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB"))) {
            // v1 hugetlb if mounted, else (hybrid) the cgroup2 side's hugetlb controller.
            Path v1 = detected.v1Hierarchies().get("hugetlb");
            Path file = v1 != null ? dirOf("hugetlb", "c1").resolve("hugetlb.2MB.limit_in_bytes")
                    : detected.unifiedMount().orElseThrow().resolve(top.substring(1)).resolve("c1/hugetlb.2MB.max");
            assertEquals(Long.toString(4L << 20), read(file));
        }

        List<Path> placement = m.placementFiles();
        assertEquals(detected.allMountPoints().size(), placement.size());
        for (Path p : placement) assertTrue(Files.exists(p), p.toString());

        // A process moved in from outside, and one that places itself as the container's init does.
        Process outside = track(TestCgroups.startSleep());
        m.addProcess(outside.pid());
        for (Path p : placement) assertTrue(read(p).contains(Long.toString(outside.pid())), p.toString());
        Process inside = track(TestCgroups.startSelfPlacing(placement));
        TestCgroups.awaitMember(m, outside.pid());
        TestCgroups.awaitMember(m, inside.pid());
        for (Path p : placement) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!read(p).contains(Long.toString(inside.pid()))) {
                assertTrue(System.nanoTime() < deadline, inside.pid() + " not in " + p);
                Thread.sleep(10);
            }
        }

        assertEquals(FreezerState.THAWED, m.freezerState());
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.freezerState());
        if (detected.v1Hierarchies().containsKey("freezer")) {
            assertEquals("FROZEN", read(dirOf("freezer", "c1").resolve("freezer.state")));
        }
        m.thaw();
        assertEquals(FreezerState.THAWED, m.freezerState());

        CgroupStats stats = m.stats();
        assertNotNull(stats.memory());
        assertTrue(stats.memory().usage() > 0, "memory usage " + stats.memory().usage());
        assertEquals(64L << 20, stats.memory().limit());
        assertTrue(stats.memory().stat().containsKey("rss"));
        assertNotNull(stats.pids());
        assertTrue(stats.pids().current() >= 2, "pids.current " + stats.pids().current());
        assertEquals(20, stats.pids().limit());
        assertNotNull(stats.cpu());
        assertEquals(0, m.oomKillCount());

        if (m.supportsKill()) {
            m.kill();
        } else {
            for (long pid : m.pids()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        assertTrue(outside.waitFor(5, TimeUnit.SECONDS));
        assertTrue(inside.waitFor(5, TimeUnit.SECONDS));

        m.destroy();
        assertFalse(m.exists());
        for (Path root : detected.allMountPoints()) {
            assertFalse(Files.exists(root.resolve(top.substring(1)).resolve("c1")), root.toString());
        }
        m.destroy(); // idempotent
    }

    /** Pure v1 (the legacy layout), built from this machine's v1 hierarchies alone. */
    @Test
    void legacyOnly() throws Exception {
        CgroupSetup legacy = CgroupSetup.legacy(detected.v1Hierarchies());
        CgroupManager m = Cgroups.forContainer(legacy, top, "x");
        assertEquals(CgroupSetup.Mode.LEGACY, m.mode());
        m.create();
        assertEquals(legacy.v1MountPoints().size(), m.placementFiles().size());
        Process p = track(TestCgroups.startSleep());
        m.addProcess(p.pid());
        assertEquals(List.of(p.pid()), m.pids());
        assumeTrue(legacy.v1Hierarchies().containsKey("freezer"));
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.freezerState());
        m.thaw();
        assertFalse(m.supportsKill());
        assertThrows(CgroupException.class, m::kill);

        // A cgroup with a live process cannot be removed: a clear error after a short retry.
        long start = System.nanoTime();
        CgroupException busy = assertThrows(CgroupException.class, m::destroy);
        long waited = System.nanoTime() - start;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(900) && waited < TimeUnit.MILLISECONDS.toNanos(3000),
                "one shared retry budget of about a second, took " + waited / 1_000_000 + " ms");
        assertTrue(busy.getMessage().contains("Device or resource busy"), busy.getMessage());
        assertTrue(busy.getMessage().contains(Long.toString(p.pid())), busy.getMessage());

        TestCgroups.kill(p);
        m.destroy();
        assertFalse(m.exists());
    }

    @Test
    void missingFilesAndControllersAreClearErrors() throws Exception {
        CgroupSetup onlyPids = CgroupSetup.legacy(java.util.Map.of("pids", detected.v1Hierarchies().get("pids")));
        CgroupManager m = Cgroups.forContainer(onlyPids, top, "x");
        m.create();
        LinuxMemory mem = new LinuxMemory();
        mem.setLimit(1L << 20);
        LinuxResources r = new LinuxResources();
        r.setMemory(mem);
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(r));
        assertEquals("memory limit requested but the memory controller is not available (no cgroup v1 hierarchy has it mounted)",
                e.getMessage());
        m.apply(new LinuxResources()); // nothing requested, nothing needed

        // A value the kernel refuses: the message names the value, the file and the reason.
        CgroupManager full = Cgroups.forContainer(detected, top, "x");
        full.create();
        LinuxCpu cpu = new LinuxCpu();
        cpu.setCpus("4096");
        LinuxResources bad = new LinuxResources();
        bad.setCpu(cpu);
        CgroupException refused = assertThrows(CgroupException.class, () -> full.apply(bad));
        assertTrue(refused.getMessage().startsWith("cannot write \"4096\" to " + dirOf("cpuset", "").resolve("cpuset.cpus")),
                refused.getMessage());
        full.destroy();
    }

    /** The container directory in a v1 controller's hierarchy ("" for the top-level test cgroup itself). */
    /**
     * A pre-started init's cgroup becomes its container's: renamed in every v1 hierarchy (and its process moved on
     * the v2 side of a hybrid host), so the process stays in it and what it was charged stays charged to it.
     */
    @Test
    void adoptRenamesTheParkedCgroupWithItsProcessAndCharges() throws Exception {
        CgroupManager parked = Cgroups.forContainer(detected, top + "/wasmj-ready-1-1", "ready");
        parked.create();
        Path data = Files.createTempFile("adopt", ".bin");
        try {
            // 8 MiB of page cache written from inside the parked cgroup: charged to it, and it stays after the write.
            Process p = track(startWriting(parked.placementFiles(), data));
            TestCgroups.awaitMember(parked, p.pid());
            awaitFileSize(data, 8 << 20);
            long charged = Long.parseLong(read(dirOf("memory", "wasmj-ready-1-1").resolve("memory.usage_in_bytes")));
            assertTrue(charged >= 8 << 20, "charged to the parked cgroup: " + charged);

            CgroupManager container = Cgroups.forContainer(detected, top + "/c1", "c1");
            assertTrue(container.canAdopt());
            container.adopt(parked);

            assertFalse(parked.exists(), "the parked cgroup is gone in every hierarchy");
            assertEquals(List.of(p.pid()), container.pids());
            for (Path procs : container.placementFiles()) {
                assertEquals(Long.toString(p.pid()), read(procs), procs + " lists the process");
            }
            long now = Long.parseLong(read(dirOf("memory", "c1").resolve("memory.usage_in_bytes")));
            assertTrue(now >= 8 << 20, "the charges moved with the cgroup: " + now);

            // Taking over when the container's cgroup exists changes nothing.
            CgroupManager other = Cgroups.forContainer(detected, top + "/wasmj-ready-1-2", "ready");
            other.create();
            assertThrows(CgroupException.class, () -> container.adopt(other));
            assertTrue(other.exists());
            assertEquals(List.of(p.pid()), container.pids());
            other.destroy();
        } finally {
            Files.deleteIfExists(data);
        }
    }

    private static Process startWriting(List<Path> placementFiles, Path data) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "for f; do echo 0 > \"$f\" || exit 1; done;"
                + " head -c 8388608 /dev/urandom > '" + data + "'; exec sleep 30", "sh"));
        for (Path f : placementFiles) cmd.add(f.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void awaitFileSize(Path file, long size) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.size(file) < size) {
            assertTrue(System.nanoTime() < deadline, file + " was not written");
            Thread.sleep(20);
        }
    }

    private Path dirOf(String controller, String child) {
        Path top = detected.v1Hierarchies().get(controller).resolve(this.top.substring(1));
        return child.isEmpty() ? top : top.resolve(child);
    }
}
