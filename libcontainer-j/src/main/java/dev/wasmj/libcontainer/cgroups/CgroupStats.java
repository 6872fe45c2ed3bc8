package dev.wasmj.libcontainer.cgroups;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a container cgroup's usage. A section is null when its controller is not available;
 * numbers a kernel does not report are 0. Limits use -1 for "no limit".
 *
 * @param memory  memory controller figures, or null
 * @param cpu     cpu / cpuacct figures, or null
 * @param pids    pids controller figures, or null
 * @param hugetlb per page size ("2MB", "1GB"), empty when the hugetlb controller is not available
 */
public record CgroupStats(Memory memory, Cpu cpu, Pids pids, Map<String, Hugetlb> hugetlb) {

    public CgroupStats {
        hugetlb = hugetlb == null ? Map.of() : Map.copyOf(hugetlb);
    }

    /**
     * @param usage        bytes in use now (v1 memory.usage_in_bytes, v2 memory.current)
     * @param maxUsage     highest usage seen (v1 memory.max_usage_in_bytes, v2 memory.peak), 0 if unknown
     * @param limit        the limit in bytes, -1 for none
     * @param failCount    times the limit was hit (v1 memory.failcnt, v2 memory.events "max")
     * @param oomKillCount processes killed by the OOM killer in this cgroup
     * @param swapUsage    swap bytes in use, 0 if unknown
     * @param stat         memory.stat as is (v1 names such as "rss"/"cache", v2 names such as "anon"/"file")
     */
    public record Memory(long usage, long maxUsage, long limit, long failCount, long oomKillCount, long swapUsage,
            Map<String, Long> stat) {
        public Memory {
            // Keep the kernel's order, which groups related counters.
            stat = stat == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(stat));
        }

        /** Anonymous memory: v1 "rss", v2 "anon". */
        public long rss() {
            return stat.getOrDefault("rss", stat.getOrDefault("anon", 0L));
        }

        /** Page cache: v1 "cache", v2 "file". */
        public long cache() {
            return stat.getOrDefault("cache", stat.getOrDefault("file", 0L));
        }

        /** Page faults ("pgfault" in both versions). */
        public long pageFaults() {
            return stat.getOrDefault("pgfault", 0L);
        }

        /** Major page faults ("pgmajfault" in both versions). */
        public long majorPageFaults() {
            return stat.getOrDefault("pgmajfault", 0L);
        }
    }

    /**
     * @param usageNanos       total CPU time (v1 cpuacct.usage, v2 cpu.stat usage_usec * 1000)
     * @param userNanos        of which in user mode
     * @param systemNanos      of which in kernel mode
     * @param periods          CFS enforcement periods that elapsed (nr_periods)
     * @param throttledPeriods periods in which the group was throttled (nr_throttled)
     * @param throttledNanos   total time throttled
     */
    public record Cpu(long usageNanos, long userNanos, long systemNanos, long periods, long throttledPeriods,
            long throttledNanos) {}

    /**
     * @param current number of tasks now
     * @param limit   pids.max, -1 for none
     */
    public record Pids(long current, long limit) {}

    /**
     * @param usage     bytes of huge pages in use
     * @param maxUsage  highest usage seen, 0 if unknown (v2 does not report it)
     * @param failCount allocations that failed because of the limit
     */
    public record Hugetlb(long usage, long maxUsage, long failCount) {}
}
