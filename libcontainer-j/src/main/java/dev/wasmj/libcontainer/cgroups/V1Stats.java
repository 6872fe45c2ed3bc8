package dev.wasmj.libcontainer.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads {@link CgroupStats} from the cgroup v1 interface files. */
final class V1Stats {
    private static final Pattern HUGETLB_USAGE = Pattern.compile("hugetlb\\.([0-9]+[KMGT]B)\\.usage_in_bytes");
    /** cpuacct.stat counts in USER_HZ ticks, which is 100 per second on every Linux ABI. */
    private static final long NANOS_PER_TICK = 1_000_000_000L / 100;

    private V1Stats() {}

    static CgroupStats read(V1Manager cg) throws CgroupException {
        return new CgroupStats(memory(cg.dir("memory")), cpu(cg.dir("cpu"), cg.dir("cpuacct")), pids(cg.dir("pids")),
                hugetlb(cg.dir("hugetlb")));
    }

    static long oomKills(V1Manager cg) throws CgroupException {
        Path dir = cg.dir("memory");
        if (dir == null) return 0;
        return CgroupFiles.readKeyed(dir.resolve("memory.oom_control")).getOrDefault("oom_kill", 0L);
    }

    private static CgroupStats.Memory memory(Path dir) throws CgroupException {
        if (dir == null || !Files.isDirectory(dir)) return null;
        long usage = orZero(CgroupFiles.readLongIfExists(dir.resolve("memory.usage_in_bytes")));
        Map<String, Long> stat = CgroupFiles.readKeyed(dir.resolve("memory.stat"));
        long swap;
        if (stat.containsKey("swap")) {
            swap = stat.get("swap");
        } else {
            // memsw counts memory plus swap.
            Long memsw = CgroupFiles.readLongIfExists(dir.resolve("memory.memsw.usage_in_bytes"));
            swap = memsw == null ? 0 : Math.max(0, memsw - usage);
        }
        Long limit = CgroupFiles.readLimitIfExists(dir.resolve("memory.limit_in_bytes"));
        return new CgroupStats.Memory(usage,
                orZero(CgroupFiles.readLongIfExists(dir.resolve("memory.max_usage_in_bytes"))),
                limit == null ? -1 : limit,
                orZero(CgroupFiles.readLongIfExists(dir.resolve("memory.failcnt"))),
                CgroupFiles.readKeyed(dir.resolve("memory.oom_control")).getOrDefault("oom_kill", 0L),
                swap, stat);
    }

    private static CgroupStats.Cpu cpu(Path cpuDir, Path cpuacctDir) throws CgroupException {
        boolean haveCpu = cpuDir != null && Files.isDirectory(cpuDir);
        boolean haveAcct = cpuacctDir != null && Files.isDirectory(cpuacctDir);
        if (!haveCpu && !haveAcct) return null;
        long usage = 0, user = 0, system = 0;
        if (haveAcct) {
            usage = orZero(CgroupFiles.readLongIfExists(cpuacctDir.resolve("cpuacct.usage")));
            Long u = CgroupFiles.readLongIfExists(cpuacctDir.resolve("cpuacct.usage_user"));
            Long s = CgroupFiles.readLongIfExists(cpuacctDir.resolve("cpuacct.usage_sys"));
            if (u != null && s != null) {
                user = u;
                system = s;
            } else {
                Map<String, Long> ticks = CgroupFiles.readKeyed(cpuacctDir.resolve("cpuacct.stat"));
                user = ticks.getOrDefault("user", 0L) * NANOS_PER_TICK;
                system = ticks.getOrDefault("system", 0L) * NANOS_PER_TICK;
            }
        }
        Map<String, Long> throttling = haveCpu ? CgroupFiles.readKeyed(cpuDir.resolve("cpu.stat")) : Map.of();
        return new CgroupStats.Cpu(usage, user, system, throttling.getOrDefault("nr_periods", 0L),
                throttling.getOrDefault("nr_throttled", 0L), throttling.getOrDefault("throttled_time", 0L));
    }

    private static CgroupStats.Pids pids(Path dir) throws CgroupException {
        if (dir == null || !Files.isDirectory(dir)) return null;
        Long limit = CgroupFiles.readLimitIfExists(dir.resolve("pids.max"));
        return new CgroupStats.Pids(orZero(CgroupFiles.readLongIfExists(dir.resolve("pids.current"))),
                limit == null ? -1 : limit);
    }

    private static Map<String, CgroupStats.Hugetlb> hugetlb(Path dir) throws CgroupException {
        Map<String, CgroupStats.Hugetlb> out = new TreeMap<>();
        if (dir == null || !Files.isDirectory(dir)) return out;
        for (String size : pageSizes(dir, HUGETLB_USAGE)) {
            String prefix = "hugetlb." + size + ".";
            out.put(size, new CgroupStats.Hugetlb(
                    orZero(CgroupFiles.readLongIfExists(dir.resolve(prefix + "usage_in_bytes"))),
                    orZero(CgroupFiles.readLongIfExists(dir.resolve(prefix + "max_usage_in_bytes"))),
                    orZero(CgroupFiles.readLongIfExists(dir.resolve(prefix + "failcnt")))));
        }
        return out;
    }

    /** The huge page sizes for which the directory has a file matching the pattern (group 1 = size). */
    static java.util.List<String> pageSizes(Path dir, Pattern pattern) throws CgroupException {
        java.util.List<String> sizes = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = pattern.matcher(f.getFileName().toString());
                if (m.matches()) sizes.add(m.group(1));
            });
        } catch (IOException e) {
            throw new CgroupException("cannot list " + dir + ": " + CgroupFiles.reason(e), e);
        }
        return sizes;
    }

    static long orZero(Long v) {
        return v == null ? 0 : v;
    }
}
