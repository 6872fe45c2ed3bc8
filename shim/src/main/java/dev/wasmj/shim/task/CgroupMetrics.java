package dev.wasmj.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.CgroupSetup;
import dev.wasmj.libcontainer.cgroups.CgroupStats;
import java.io.IOException;
import java.util.Map;

/**
 * A container's cgroup usage as the metrics message containerd expects from Stats: cgroups v1's
 * {@code io.containerd.cgroups.v1.Metrics} on v1 and hybrid hosts, v2's on unified hosts. Limits of "none"
 * are reported as the largest value, as the kernel's own files do.
 */
final class CgroupMetrics {
    private CgroupMetrics() {}

    static Any of(CgroupManager cgroups) throws IOException {
        CgroupStats stats = cgroups.stats();
        Message metrics = cgroups.mode() == CgroupSetup.Mode.UNIFIED ? v2(stats) : v1(stats);
        return Any.newBuilder().setTypeUrl(metrics.getDescriptorForType().getFullName()).setValue(metrics.toByteString()).build();
    }

    static dev.wasmj.shim.proto.cgroups.v1.Metrics v1(CgroupStats s) {
        var b = dev.wasmj.shim.proto.cgroups.v1.Metrics.newBuilder();
        if (s.pids() != null) {
            b.setPids(dev.wasmj.shim.proto.cgroups.v1.PidsStat.newBuilder().setCurrent(s.pids().current())
                    .setLimit(limit(s.pids().limit())));
        }
        if (s.cpu() != null) {
            CgroupStats.Cpu c = s.cpu();
            b.setCpu(dev.wasmj.shim.proto.cgroups.v1.CPUStat.newBuilder()
                    .setUsage(dev.wasmj.shim.proto.cgroups.v1.CPUUsage.newBuilder().setTotal(c.usageNanos())
                            .setUser(c.userNanos()).setKernel(c.systemNanos()))
                    .setThrottling(dev.wasmj.shim.proto.cgroups.v1.Throttle.newBuilder().setPeriods(c.periods())
                            .setThrottledPeriods(c.throttledPeriods()).setThrottledTime(c.throttledNanos())));
        }
        if (s.memory() != null) {
            CgroupStats.Memory m = s.memory();
            Map<String, Long> st = m.stat();
            b.setMemory(dev.wasmj.shim.proto.cgroups.v1.MemoryStat.newBuilder()
                    .setCache(m.cache()).setRss(m.rss()).setRssHuge(st.getOrDefault("rss_huge", 0L))
                    .setMappedFile(st.getOrDefault("mapped_file", 0L)).setDirty(st.getOrDefault("dirty", 0L))
                    .setWriteback(st.getOrDefault("writeback", 0L)).setPgFault(m.pageFaults())
                    .setPgMajFault(m.majorPageFaults()).setInactiveAnon(st.getOrDefault("inactive_anon", 0L))
                    .setActiveAnon(st.getOrDefault("active_anon", 0L)).setInactiveFile(st.getOrDefault("inactive_file", 0L))
                    .setActiveFile(st.getOrDefault("active_file", 0L)).setUnevictable(st.getOrDefault("unevictable", 0L))
                    .setTotalCache(st.getOrDefault("total_cache", m.cache())).setTotalRss(st.getOrDefault("total_rss", m.rss()))
                    .setUsage(dev.wasmj.shim.proto.cgroups.v1.MemoryEntry.newBuilder().setUsage(m.usage())
                            .setMax(m.maxUsage()).setLimit(limit(m.limit())).setFailcnt(m.failCount()))
                    .setSwap(dev.wasmj.shim.proto.cgroups.v1.MemoryEntry.newBuilder().setUsage(m.swapUsage())));
            b.setMemoryOomControl(dev.wasmj.shim.proto.cgroups.v1.MemoryOomControl.newBuilder().setOomKill(m.oomKillCount()));
        }
        s.hugetlb().forEach((size, h) -> b.addHugetlb(dev.wasmj.shim.proto.cgroups.v1.HugetlbStat.newBuilder()
                .setPagesize(size).setUsage(h.usage()).setMax(h.maxUsage()).setFailcnt(h.failCount())));
        return b.build();
    }

    static dev.wasmj.shim.proto.cgroups.v2.Metrics v2(CgroupStats s) {
        var b = dev.wasmj.shim.proto.cgroups.v2.Metrics.newBuilder();
        if (s.pids() != null) {
            b.setPids(dev.wasmj.shim.proto.cgroups.v2.PidsStat.newBuilder().setCurrent(s.pids().current())
                    .setLimit(limit(s.pids().limit())));
        }
        if (s.cpu() != null) {
            CgroupStats.Cpu c = s.cpu();
            b.setCpu(dev.wasmj.shim.proto.cgroups.v2.CPUStat.newBuilder().setUsageUsec(c.usageNanos() / 1000)
                    .setUserUsec(c.userNanos() / 1000).setSystemUsec(c.systemNanos() / 1000).setNrPeriods(c.periods())
                    .setNrThrottled(c.throttledPeriods()).setThrottledUsec(c.throttledNanos() / 1000));
        }
        if (s.memory() != null) {
            CgroupStats.Memory m = s.memory();
            Map<String, Long> st = m.stat();
            b.setMemory(dev.wasmj.shim.proto.cgroups.v2.MemoryStat.newBuilder().setAnon(m.rss()).setFile(m.cache())
                    .setKernelStack(st.getOrDefault("kernel_stack", 0L)).setSlab(st.getOrDefault("slab", 0L))
                    .setSock(st.getOrDefault("sock", 0L)).setShmem(st.getOrDefault("shmem", 0L))
                    .setFileMapped(st.getOrDefault("file_mapped", 0L)).setFileDirty(st.getOrDefault("file_dirty", 0L))
                    .setInactiveAnon(st.getOrDefault("inactive_anon", 0L)).setActiveAnon(st.getOrDefault("active_anon", 0L))
                    .setInactiveFile(st.getOrDefault("inactive_file", 0L)).setActiveFile(st.getOrDefault("active_file", 0L))
                    .setPgfault(m.pageFaults()).setPgmajfault(m.majorPageFaults())
                    .setUsage(m.usage()).setUsageLimit(limit(m.limit())).setMaxUsage(m.maxUsage())
                    .setSwapUsage(m.swapUsage()));
            b.setMemoryEvents(dev.wasmj.shim.proto.cgroups.v2.MemoryEvents.newBuilder().setMax(m.failCount())
                    .setOomKill(m.oomKillCount()));
        }
        s.hugetlb().forEach((size, h) -> b.addHugetlb(dev.wasmj.shim.proto.cgroups.v2.HugeTlbStat.newBuilder()
                .setPagesize(size).setCurrent(h.usage()).setMax(h.maxUsage())));
        return b.build();
    }

    /** -1 ("max") -> the largest value, which is what cgroup files and containerd's tools show. */
    private static long limit(long value) {
        return value < 0 ? Long.MAX_VALUE : value;
    }
}
