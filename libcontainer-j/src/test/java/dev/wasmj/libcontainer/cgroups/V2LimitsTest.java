package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.libcontainer.syscall.OpenFlags;

import dev.wasmj.libcontainer.syscall.RecordingSyscalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.oci.runtime.LinuxBlockIo;
import dev.wasmj.oci.runtime.LinuxCpu;
import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
import dev.wasmj.oci.runtime.LinuxHugepageLimit;
import dev.wasmj.oci.runtime.LinuxMemory;
import dev.wasmj.oci.runtime.LinuxPids;
import dev.wasmj.oci.runtime.LinuxResources;
import dev.wasmj.oci.runtime.LinuxThrottleDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure-v2 writes against a directory that looks like a v2 cgroup (files pre-created), since this
 * machine's cgroup2 mount has no memory, cpu, pids or io controller.
 */
class V2LimitsTest {
    private static final String ALL = "cpuset cpu io memory hugetlb pids";

    @TempDir
    Path root;
    private Path dir;
    private CgroupManager m;

    @BeforeEach
    void fakeCgroup() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), ALL + "\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "");
        m = Cgroups.forContainer(CgroupSetup.unified(root), "/pod/c1", "c1");
        m.create();
        dir = root.resolve("pod/c1");
        assertTrue(Files.isDirectory(dir));
        // The fake root "accepted" our enabling writes (one per controller; the file keeps the last one).
        assertTrue(read(root.resolve("cgroup.subtree_control")).startsWith("+"));
        Map<String, String> files = Map.ofEntries(Map.entry("cgroup.controllers", ALL), Map.entry("cgroup.procs", ""),
                Map.entry("memory.max", "max"), Map.entry("memory.swap.max", "max"), Map.entry("memory.low", "0"),
                Map.entry("memory.high", "max"), Map.entry("memory.current", "4096"),
                Map.entry("cpu.weight", "100"), Map.entry("cpu.max", "max 100000"), Map.entry("cpu.max.burst", "0"),
                Map.entry("cpu.idle", "0"), Map.entry("cpuset.cpus", ""), Map.entry("cpuset.mems", ""),
                Map.entry("pids.max", "max"), Map.entry("io.weight", "default 100"), Map.entry("io.max", ""),
                Map.entry("hugetlb.2MB.max", "max"));
        for (Map.Entry<String, String> e : files.entrySet()) Files.writeString(dir.resolve(e.getKey()), e.getValue() + "\n");
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).trim();
    }

    private String file(String name) throws IOException {
        return read(dir.resolve(name));
    }

    private static LinuxResources memory(Long limit, Long swap) {
        LinuxMemory mem = new LinuxMemory();
        mem.setLimit(limit);
        mem.setSwap(swap);
        LinuxResources r = new LinuxResources();
        r.setMemory(mem);
        return r;
    }

    private static LinuxResources cpu(Long shares, Long quota, Long period) {
        LinuxCpu c = new LinuxCpu();
        c.setShares(shares);
        c.setQuota(quota);
        c.setPeriod(period);
        LinuxResources r = new LinuxResources();
        r.setCpu(c);
        return r;
    }

    @Test
    void memoryLimitAndSwapConversion() throws Exception {
        m.apply(memory(64L << 20, 96L << 20));
        assertEquals(Long.toString(64L << 20), file("memory.max"));
        assertEquals(Long.toString(32L << 20), file("memory.swap.max"), "v2 wants swap alone: (memory+swap) - memory");

        m.apply(memory(-1L, null));
        assertEquals("max", file("memory.max"));
        assertEquals("max", file("memory.swap.max"), "unlimited memory makes swap unlimited too");

        m.apply(memory(32L << 20, -1L));
        assertEquals(Long.toString(32L << 20), file("memory.max"));
        assertEquals("max", file("memory.swap.max"));

        LinuxMemory reservation = new LinuxMemory();
        reservation.setReservation(16L << 20);
        LinuxResources r = new LinuxResources();
        r.setMemory(reservation);
        m.apply(r);
        assertEquals(Long.toString(16L << 20), file("memory.low"));
    }

    @Test
    void swapRules() throws Exception {
        assertEquals(32L << 20, V2Limits.swapForV2(96L << 20, 64L << 20));
        assertEquals(0L, V2Limits.swapForV2(64L << 20, 64L << 20));
        assertNull(V2Limits.swapForV2(null, 64L << 20));
        assertNull(V2Limits.swapForV2(0L, null));
        assertEquals(-1L, V2Limits.swapForV2(-1L, 64L << 20));
        assertEquals(-1L, V2Limits.swapForV2(null, -1L));
        assertThrows(CgroupException.class, () -> V2Limits.swapForV2(32L << 20, 64L << 20));
        assertThrows(CgroupException.class, () -> V2Limits.swapForV2(32L << 20, null));
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(memory(64L << 20, 32L << 20)));
        assertTrue(e.getMessage().contains("must not be below"), e.getMessage());
    }

    @Test
    void cpuWeightConversion() throws Exception {
        assertEquals(1, V2Limits.sharesToWeight(2));
        assertEquals(20, V2Limits.sharesToWeight(512));
        assertEquals(39, V2Limits.sharesToWeight(1024));
        assertEquals(10000, V2Limits.sharesToWeight(262144));
        m.apply(cpu(512L, null, null));
        assertEquals("20", file("cpu.weight"));
        assertEquals("max 100000", file("cpu.max"), "untouched without quota or period");
    }

    @Test
    void cpuMax() throws Exception {
        m.apply(cpu(null, 50000L, 100000L));
        assertEquals("50000 100000", file("cpu.max"));
        m.apply(cpu(null, null, 200000L));
        assertEquals("50000 200000", file("cpu.max"), "a period alone keeps the quota");
        m.apply(cpu(null, -1L, 100000L));
        assertEquals("max 100000", file("cpu.max"));
        m.apply(cpu(null, 30000L, null));
        assertEquals("30000", file("cpu.max"), "a quota alone keeps the kernel's period");
        assertEquals("max 250000", V2Limits.cpuMax(null, 250000L, ""));

        LinuxResources rt = cpu(null, null, null);
        rt.getCpu().setRealtimeRuntime(950000L);
        assertThrows(CgroupException.class, () -> m.apply(rt));
    }

    @Test
    void cpusetPidsHugetlbIo() throws Exception {
        LinuxResources r = cpu(null, null, null);
        r.getCpu().setCpus("0-1");
        r.getCpu().setMems("0");
        LinuxPids pids = new LinuxPids();
        pids.setLimit(20L);
        r.setPids(pids);
        LinuxHugepageLimit huge = new LinuxHugepageLimit();
        huge.setPageSize("2MB");
        huge.setLimit(4L << 20);
        r.setHugepageLimits(List.of(huge));
        LinuxBlockIo io = new LinuxBlockIo();
        io.setWeight(500);
        LinuxThrottleDevice t = new LinuxThrottleDevice();
        t.setMajor(8L);
        t.setMinor(0L);
        t.setRate(1048576L);
        io.setThrottleReadBpsDevice(List.of(t));
        r.setBlockIO(io);
        m.apply(r);
        assertEquals("0-1", file("cpuset.cpus"));
        assertEquals("0", file("cpuset.mems"));
        assertEquals("20", file("pids.max"));
        assertEquals(Long.toString(4L << 20), file("hugetlb.2MB.max"));
        assertEquals("default " + V2Limits.blkioToIoWeight(500), file("io.weight"));
        assertEquals(4950, V2Limits.blkioToIoWeight(500));
        assertEquals("8:0 rbps=1048576", file("io.max"));

        pids.setLimit(0L);
        m.apply(r);
        assertEquals("max", file("pids.max"));
        pids.setLimit(-1L);
        m.apply(r);
        assertEquals("max", file("pids.max"));
    }

    @Test
    void unifiedIsWrittenVerbatimButOnlyIntoTheCgroup() throws Exception {
        LinuxResources r = new LinuxResources();
        r.setUnified(Map.of("memory.high", "50000000"));
        m.apply(r);
        assertEquals("50000000", file("memory.high"));
        for (String bad : List.of("../memory.high", "a/b", "..")) {
            r.setUnified(Map.of(bad, "1"));
            assertThrows(CgroupException.class, () -> m.apply(r), bad);
        }
        r.setUnified(Map.of("memory.oom.group", "1"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(r));
        assertTrue(e.getMessage().contains("memory.oom.group"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("memory.oom.group")), "must not create interface files");
    }

    @Test
    void missingControllerIsAClearError() throws Exception {
        Files.writeString(dir.resolve("cgroup.controllers"), "cpu pids\n");
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(memory(64L << 20, null)));
        assertEquals("memory limit requested but the memory controller is not available in " + root, e.getMessage());
        // Nothing requested from memory: no error.
        m.apply(memory(null, null));
        m.apply(new LinuxResources());
        m.apply(null);
    }

    @Test
    void deviceRulesBecomeAFilterAttachedToTheContainersCgroup() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        CgroupManager withDouble = Cgroups.forContainer(CgroupSetup.unified(root), "/pod/c1", "c1", sys);
        LinuxDeviceCgroup denyAll = new LinuxDeviceCgroup();
        denyAll.setAllow(false);
        denyAll.setAccess("rwm");
        LinuxDeviceCgroup allowNull = new LinuxDeviceCgroup();
        allowNull.setAllow(true);
        allowNull.setType("c");
        allowNull.setMajor(1L);
        allowNull.setMinor(3L);
        allowNull.setAccess("rwm");
        LinuxResources r = new LinuxResources();
        r.setDevices(List.of(denyAll, allowNull));
        withDouble.apply(r);

        List<String> calls = sys.calls();
        assertTrue(calls.get(0).startsWith("bpfLoadDeviceFilter("), calls.toString());
        assertEquals("open(" + dir + ", 0x" + Integer.toHexString(OpenFlags.DIRECTORY) + ", 0)", calls.get(1));
        assertTrue(calls.get(2).matches("bpfAttachDeviceFilter\\(\\d+, \\d+\\)"), calls.toString());
        EbpfInterpreter filter = new EbpfInterpreter(sys.lastDeviceFilter());
        assertEquals(1, filter.run(2, 2 | 4, 1, 3), "/dev/null allowed");
        assertEquals(0, filter.run(2, 2, 1, 5), "the rest denied");
    }

    @Test
    void statsFromV2Files() throws Exception {
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        Files.writeString(dir.resolve("memory.stat"), "anon 1000\nfile 2000\npgfault 7\n");
        Files.writeString(dir.resolve("memory.peak"), "8192\n");
        Files.writeString(dir.resolve("memory.swap.current"), "512\n");
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 10\nuser_usec 6\nsystem_usec 4\nnr_periods 5\nnr_throttled 2\nthrottled_usec 7\n");
        Files.writeString(dir.resolve("pids.current"), "3\n");
        Files.writeString(dir.resolve("pids.max"), "20\n");
        Files.writeString(dir.resolve("hugetlb.2MB.current"), "0\n");
        Files.writeString(dir.resolve("hugetlb.2MB.events"), "max 4\n");
        CgroupStats s = m.stats();
        assertEquals(4096, s.memory().usage());
        assertEquals(8192, s.memory().maxUsage());
        assertEquals(-1, s.memory().limit());
        assertEquals(3, s.memory().failCount());
        assertEquals(1, s.memory().oomKillCount());
        assertEquals(512, s.memory().swapUsage());
        assertEquals(1000, s.memory().rss());
        assertEquals(2000, s.memory().cache());
        assertEquals(7, s.memory().pageFaults());
        assertEquals(new CgroupStats.Cpu(10_000, 6_000, 4_000, 5, 2, 7_000), s.cpu());
        assertEquals(new CgroupStats.Pids(3, 20), s.pids());
        assertEquals(Map.of("2MB", new CgroupStats.Hugetlb(0, 0, 4)), s.hugetlb());
        assertEquals(1, m.oomKillCount());
    }
}
