package dev.wasmj.shim.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wasmj.libcontainer.cgroups.CgroupStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgroupMetricsTest {
    private static final CgroupStats STATS = new CgroupStats(
            new CgroupStats.Memory(1000, 2000, 64 << 20, 3, 1, 0, Map.of("rss", 700L, "cache", 300L, "anon", 700L, "file", 300L)),
            new CgroupStats.Cpu(5_000_000, 3_000_000, 2_000_000, 10, 2, 7_000),
            new CgroupStats.Pids(4, -1), Map.of("2MB", new CgroupStats.Hugetlb(0, 0, 0)));

    @Test
    void v1MetricsCarryMemoryPidsCpuAndOomKills() {
        var m = CgroupMetrics.v1(STATS);
        assertEquals(1000, m.getMemory().getUsage().getUsage());
        assertEquals(64 << 20, m.getMemory().getUsage().getLimit());
        assertEquals(700, m.getMemory().getRss());
        assertEquals(4, m.getPids().getCurrent());
        assertEquals(Long.MAX_VALUE, m.getPids().getLimit()); // "max"
        assertEquals(5_000_000, m.getCpu().getUsage().getTotal());
        assertEquals(1, m.getMemoryOomControl().getOomKill());
        assertEquals("2MB", m.getHugetlb(0).getPagesize());
    }

    @Test
    void v2MetricsUseMicrosecondsAndMemoryEvents() {
        var m = CgroupMetrics.v2(STATS);
        assertEquals(1000, m.getMemory().getUsage());
        assertEquals(64 << 20, m.getMemory().getUsageLimit());
        assertEquals(5_000, m.getCpu().getUsageUsec());
        assertEquals(1, m.getMemoryEvents().getOomKill());
        assertEquals(3, m.getMemoryEvents().getMax());
    }
}
