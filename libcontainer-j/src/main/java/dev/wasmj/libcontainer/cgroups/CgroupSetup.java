package dev.wasmj.libcontainer.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How cgroups are mounted on this host: which v1 hierarchy holds which controller, and where the v2
 * hierarchy is. Detected from /proc/self/mountinfo; the parser takes plain text so it can be tested.
 * The mount point of a hierarchy is treated as its root (a container's cgroupsPath is below it).
 */
public final class CgroupSetup {
    /** The three layouts systemd and distributions use. */
    public enum Mode {
        /** Only cgroup v1 hierarchies. */
        LEGACY,
        /** cgroup v1 controllers plus a cgroup2 mount (usually /sys/fs/cgroup/unified) for tracking. */
        HYBRID,
        /** Only cgroup v2 (usually /sys/fs/cgroup itself). */
        UNIFIED
    }

    /** v1 controllers we look for in mount options; named hierarchies appear as "name=...". */
    private static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices",
            "freezer", "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final Mode mode;
    private final Map<String, Path> v1; // controller (or "name=systemd") -> mount point
    private final Path unified; // cgroup2 mount point, or null

    private CgroupSetup(Mode mode, Map<String, Path> v1, Path unified) {
        this.mode = mode;
        this.v1 = Collections.unmodifiableMap(new LinkedHashMap<>(v1));
        this.unified = unified;
    }

    /** Reads /proc/self/mountinfo. */
    public static CgroupSetup detect() throws IOException {
        return parse(Files.readString(MOUNTINFO));
    }

    /** A pure v2 setup rooted at the given cgroup2 directory (another mount point, or a test directory). */
    public static CgroupSetup unified(Path cgroup2Root) {
        return new CgroupSetup(Mode.UNIFIED, Map.of(), cgroup2Root);
    }

    /** A v1-only setup: controller name (or "name=x" for a named hierarchy) to mount point. */
    public static CgroupSetup legacy(Map<String, Path> hierarchies) {
        requireSome(hierarchies);
        return new CgroupSetup(Mode.LEGACY, hierarchies, null);
    }

    /** A hybrid setup: v1 hierarchies plus a cgroup2 mount used for tracking (and its few controllers). */
    public static CgroupSetup hybrid(Map<String, Path> hierarchies, Path cgroup2Root) {
        requireSome(hierarchies);
        return new CgroupSetup(Mode.HYBRID, hierarchies, cgroup2Root);
    }

    private static void requireSome(Map<String, Path> hierarchies) {
        if (hierarchies.isEmpty()) throw new IllegalArgumentException("no cgroup v1 hierarchy given");
    }

    /** Parses mountinfo text (see proc(5)). */
    public static CgroupSetup parse(String mountinfo) throws CgroupException {
        Map<String, Path> v1 = new LinkedHashMap<>();
        List<Path> v2 = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            // "36 35 98:0 /root /mnt opts [optional fields] - fstype source superopts"
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) continue;
            String[] left = halves[0].trim().split(" ");
            String[] right = halves[1].trim().split(" ");
            if (left.length < 5 || right.length < 1) continue;
            String fsType = right[0];
            Path mountPoint = Path.of(unescape(left[4]));
            if (fsType.equals("cgroup2")) {
                v2.add(mountPoint);
            } else if (fsType.equals("cgroup") && right.length >= 3) {
                for (String opt : right[2].split(",")) {
                    if (V1_CONTROLLERS.contains(opt) || opt.startsWith("name=")) {
                        // The same hierarchy can be mounted twice (bind mounts); the first one wins,
                        // except that the usual place under /sys/fs/cgroup is preferred.
                        Path known = v1.get(opt);
                        if (known == null || (!known.startsWith("/sys/fs/cgroup") && mountPoint.startsWith("/sys/fs/cgroup"))) {
                            v1.put(opt, mountPoint);
                        }
                    }
                }
            }
        }
        Path unified = pickUnified(v2);
        if (v1.isEmpty() && unified == null) {
            throw new CgroupException("no cgroup file system is mounted (nothing of type cgroup or cgroup2 in mountinfo)");
        }
        if (v1.isEmpty()) return new CgroupSetup(Mode.UNIFIED, v1, unified);
        if (unified == null) return new CgroupSetup(Mode.LEGACY, v1, null);
        return new CgroupSetup(Mode.HYBRID, v1, unified);
    }

    private static Path pickUnified(List<Path> mounts) {
        for (String preferred : List.of("/sys/fs/cgroup", "/sys/fs/cgroup/unified")) {
            for (Path p : mounts) {
                if (p.equals(Path.of(preferred))) return p;
            }
        }
        return mounts.isEmpty() ? null : mounts.get(0);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal (\040). */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length()
                    && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public Mode mode() {
        return mode;
    }

    /** v1 controller (or "name=systemd") to the mount point of its hierarchy; empty in UNIFIED mode. */
    public Map<String, Path> v1Hierarchies() {
        return v1;
    }

    /** The distinct v1 mount points (co-mounted controllers such as cpu,cpuacct share one). */
    public Set<Path> v1MountPoints() {
        return new LinkedHashSet<>(v1.values());
    }

    /** The cgroup2 mount point, absent in LEGACY mode. */
    public Optional<Path> unifiedMount() {
        return Optional.ofNullable(unified);
    }

    /** Every hierarchy root: the v1 mount points, then the cgroup2 one. */
    public List<Path> allMountPoints() {
        List<Path> out = new ArrayList<>(v1MountPoints());
        if (unified != null) out.add(unified);
        return out;
    }

    /** E.g. "cgroup v1 at /sys/fs/cgroup/{cpu,memory} and cgroup v2 at /sys/fs/cgroup/unified". */
    @Override
    public String toString() {
        String v2 = "cgroup v2 at " + unified;
        if (mode == Mode.UNIFIED) return v2;
        String v1Text = "cgroup v1 at " + describeV1();
        return mode == Mode.LEGACY ? v1Text : v1Text + " and " + v2;
    }

    private String describeV1() {
        Set<Path> mounts = v1MountPoints();
        Set<Path> parents = new LinkedHashSet<>();
        List<String> names = new ArrayList<>();
        for (Path m : mounts) {
            parents.add(m.getParent());
            names.add(String.valueOf(m.getFileName()));
        }
        if (parents.size() == 1 && parents.iterator().next() != null) {
            return parents.iterator().next() + "/{" + String.join(",", names) + "}";
        }
        return mounts.toString();
    }
}
