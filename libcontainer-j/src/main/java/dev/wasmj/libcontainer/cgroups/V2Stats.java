package dev.wasmj.libcontainer.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads {@link CgroupStats} from the cgroup v2 interface files of one directory. */
final class V2Stats {
    private static final Pattern HUGETLB_CURRENT = Pattern.compile("hugetlb\\.([0-9]+[KMGT]B)\\.current");

    private V2Stats() {}

    static CgroupStats read(Path dir) throws CgroupException {
        if (!Files.isDirectory(dir)) {
            throw new CgroupException("cannot read the statistics of " + dir + ": the cgroup does not exist");
        }
        return new CgroupStats(memory(dir), cpu(dir), pids(dir), hugetlb(dir));
    }

    static long oomKills(Path dir) throws CgroupException {
        return CgroupFiles.readKeyed(dir.resolve("memory.events")).getOrDefault("oom_kill", 0L);
    }

    /** Null unless the memory controller is enabled for the cgroup (memory.current exists). */
    static CgroupStats.Memory memory(Path dir) throws CgroupException {
        Long usage = CgroupFiles.readLongIfExists(dir.resolve("memory.current"));
        if (usage == null) return null;
        Map<String, Long> events = CgroupFiles.readKeyed(dir.resolve("memory.events"));
        Long limit = CgroupFiles.readLimitIfExists(dir.resolve("memory.max"));
        return new CgroupStats.Memory(usage,
                V1Stats.orZero(CgroupFiles.readLongIfExists(dir.resolve("memory.peak"))),
                limit == null ? -1 : limit,
                events.getOrDefault("max", 0L),
                events.getOrDefault("oom_kill", 0L),
                V1Stats.orZero(CgroupFiles.readLongIfExists(dir.resolve("memory.swap.current"))),
                CgroupFiles.readKeyed(dir.resolve("memory.stat")));
    }

    /** cpu.stat exists in every v2 cgroup (usage); the throttling lines only with the cpu controller. */
    static CgroupStats.Cpu cpu(Path dir) throws CgroupException {
        if (!Files.exists(dir.resolve("cpu.stat"))) return null;
        Map<String, Long> s = CgroupFiles.readKeyed(dir.resolve("cpu.stat"));
        return new CgroupStats.Cpu(s.getOrDefault("usage_usec", 0L) * 1000, s.getOrDefault("user_usec", 0L) * 1000,
                s.getOrDefault("system_usec", 0L) * 1000, s.getOrDefault("nr_periods", 0L),
                s.getOrDefault("nr_throttled", 0L), s.getOrDefault("throttled_usec", 0L) * 1000);
    }

    static CgroupStats.Pids pids(Path dir) throws CgroupException {
        Long current = CgroupFiles.readLongIfExists(dir.resolve("pids.current"));
        if (current == null) return null;
        Long limit = CgroupFiles.readLimitIfExists(dir.resolve("pids.max"));
        return new CgroupStats.Pids(current, limit == null ? -1 : limit);
    }

    static Map<String, CgroupStats.Hugetlb> hugetlb(Path dir) throws CgroupException {
        Map<String, CgroupStats.Hugetlb> out = new TreeMap<>();
        for (String size : V1Stats.pageSizes(dir, HUGETLB_CURRENT)) {
            String prefix = "hugetlb." + size + ".";
            Map<String, Long> events = CgroupFiles.readKeyed(dir.resolve(prefix + "events"));
            // v2 keeps no high-water mark for huge pages.
            out.put(size, new CgroupStats.Hugetlb(V1Stats.orZero(CgroupFiles.readLongIfExists(dir.resolve(prefix + "current"))),
                    0, events.getOrDefault("max", 0L)));
        }
        return out;
    }
}
