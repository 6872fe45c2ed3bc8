package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.oci.runtime.LinuxBlockIo;
import dev.wasmj.oci.runtime.LinuxCpu;
import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
import dev.wasmj.oci.runtime.LinuxHugepageLimit;
import dev.wasmj.oci.runtime.LinuxMemory;
import dev.wasmj.oci.runtime.LinuxPids;
import dev.wasmj.oci.runtime.LinuxResources;
import dev.wasmj.oci.runtime.LinuxThrottleDevice;
import dev.wasmj.oci.runtime.LinuxWeightDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code linux.resources} into the cgroup v2 interface files of a container, converting the
 * spec's v1-flavoured values (cpu shares, memory+swap, blkio weights) the way runc does.
 */
final class V2Limits {
    private static final System.Logger LOG = System.getLogger(V2Limits.class.getName());

    private final V2Manager cg;

    V2Limits(V2Manager cg) {
        this.cg = cg;
    }

    void apply(LinuxResources r) throws CgroupException {
        if (r == null) return;
        memory(r.getMemory());
        cpu(r.getCpu());
        cpuset(r.getCpu());
        pids(r.getPids());
        io(r.getBlockIO());
        hugepages(r.getHugepageLimits());
        devices(r.getDevices());
        unified(r.getUnified());
    }

    // ---- conversions (package-private for the unit tests) ----

    /** cpu.shares (2..262144, default 1024) to cpu.weight (1..10000, default 100), as runc maps them. */
    static long sharesToWeight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /** blkio weight (10..1000) to io.weight (1..10000), as runc maps them. */
    static long blkioToIoWeight(long weight) {
        return 1 + ((weight - 10) * 9999) / 990;
    }

    /**
     * The OCI swap value is memory+swap (v1's memsw); v2's memory.swap.max is swap alone. Returns the
     * memory.swap.max value (-1 for "max"), or null for "leave it alone".
     */
    static Long swapForV2(Long memorySwap, Long memoryLimit) throws CgroupException {
        Long swap = Limits.setOrNull(memorySwap);
        Long limit = Limits.setOrNull(memoryLimit);
        if (swap == null) {
            // Unlimited memory with no swap value: make swap unlimited too, as memsw would be on v1.
            return limit != null && limit == -1 ? -1L : null;
        }
        if (swap == -1) return -1L;
        if (limit == null || limit == -1) {
            throw new CgroupException("a memory+swap limit (" + swap + ") needs a memory limit on cgroup v2");
        }
        if (swap < limit) {
            throw new CgroupException("memory+swap limit " + swap + " must not be below the memory limit " + limit);
        }
        return swap - limit;
    }

    /** A byte limit as v2 spells it: "max" for -1 (or any negative value). */
    static String bytes(long v) {
        return v < 0 ? "max" : Long.toString(v);
    }

    // ---- memory ----

    void memory(LinuxMemory m) throws CgroupException {
        if (m == null) return;
        Long limit = Limits.setOrNull(m.getLimit());
        Long reservation = Limits.setOrNull(m.getReservation());
        Long swap = swapForV2(m.getSwap(), m.getLimit());
        ignored("memory.swappiness", m.getSwappiness());
        ignored("memory.disableOOMKiller", Boolean.TRUE.equals(m.getDisableOOMKiller()) ? true : null);
        ignored("memory.kernel", m.getKernel());
        ignored("memory.kernelTCP", m.getKernelTCP());
        String what = Limits.firstRequested("memory limit", limit, "memory reservation", reservation,
                "memory swap limit", Limits.setOrNull(m.getSwap()));
        if (what == null) return;
        Path dir = controllerDir("memory", what);
        if (Boolean.TRUE.equals(m.getCheckBeforeUpdate()) && limit != null && limit > 0) {
            long usage = Long.parseLong(CgroupFiles.read(dir.resolve("memory.current")));
            if (limit < usage) {
                throw new CgroupException("memory limit " + limit + " is below the current usage " + usage + " of " + dir);
            }
        }
        if (swap != null) {
            Path swapMax = dir.resolve("memory.swap.max");
            if (Files.exists(swapMax)) {
                CgroupFiles.write(swapMax, bytes(swap));
            } else if (swap != -1) {
                throw new CgroupException("memory swap limit requested but " + swapMax
                        + " does not exist (swap accounting is off)");
            }
        }
        if (limit != null) CgroupFiles.write(V1Limits.file(dir, "memory.max", "memory limit"), bytes(limit));
        if (reservation != null) {
            CgroupFiles.write(V1Limits.file(dir, "memory.low", "memory reservation"), bytes(reservation));
        }
    }

    // ---- cpu ----

    void cpu(LinuxCpu c) throws CgroupException {
        if (c == null) return;
        Long shares = Limits.setOrNull(c.getShares());
        Long quota = Limits.setOrNull(c.getQuota());
        Long period = Limits.setOrNull(c.getPeriod());
        Long burst = Limits.setOrNull(c.getBurst());
        Long idle = Limits.setOrNull(c.getIdle());
        if (Limits.setOrNull(c.getRealtimePeriod()) != null || Limits.setOrNull(c.getRealtimeRuntime()) != null) {
            throw new CgroupException("realtime cpu period/runtime requested but cgroup v2 has no realtime cpu controls");
        }
        String what = Limits.firstRequested("cpu shares", shares, "cpu quota", quota, "cpu period", period,
                "cpu burst", burst, "cpu idle", idle);
        if (what == null) return;
        Path dir = controllerDir("cpu", what);
        if (shares != null) {
            CgroupFiles.write(V1Limits.file(dir, "cpu.weight", "cpu shares"), Long.toString(sharesToWeight(shares)));
        }
        if (quota != null || period != null) {
            Path max = V1Limits.file(dir, "cpu.max", what);
            CgroupFiles.write(max, cpuMax(quota, period, CgroupFiles.read(max)));
        }
        if (burst != null) CgroupFiles.write(V1Limits.file(dir, "cpu.max.burst", "cpu burst"), Long.toString(burst));
        if (idle != null) CgroupFiles.write(V1Limits.file(dir, "cpu.idle", "cpu idle"), Long.toString(idle));
    }

    /**
     * cpu.max is "$QUOTA $PERIOD" with "max" for no quota. A spec that sets only the period keeps the
     * current quota (read from the file) instead of resetting it.
     */
    static String cpuMax(Long quota, Long period, String current) {
        String q;
        if (quota == null) {
            q = current == null || current.isBlank() ? "max" : current.trim().split("\\s+")[0];
        } else {
            q = quota < 0 ? "max" : Long.toString(quota);
        }
        return period == null ? q : q + " " + period;
    }

    void cpuset(LinuxCpu c) throws CgroupException {
        if (c == null) return;
        String cpus = Limits.nonEmpty(c.getCpus());
        String mems = Limits.nonEmpty(c.getMems());
        String what = Limits.firstRequested("cpuset cpus", cpus, "cpuset mems", mems);
        if (what == null) return;
        Path dir = controllerDir("cpuset", what);
        if (cpus != null) CgroupFiles.write(V1Limits.file(dir, "cpuset.cpus", "cpuset cpus"), cpus);
        if (mems != null) CgroupFiles.write(V1Limits.file(dir, "cpuset.mems", "cpuset mems"), mems);
    }

    // ---- pids ----

    void pids(LinuxPids p) throws CgroupException {
        if (p == null || p.getLimit() == null) return;
        Path dir = controllerDir("pids", "pids limit");
        CgroupFiles.write(V1Limits.file(dir, "pids.max", "pids limit"), Limits.pidsValue(p.getLimit()));
    }

    // ---- io ----

    void io(LinuxBlockIo b) throws CgroupException {
        if (b == null) return;
        if (b.getLeafWeight() != null) {
            ignored("blockIO.leafWeight", b.getLeafWeight());
        }
        List<LinuxWeightDevice> weights = Limits.list(b.getWeightDevice());
        String what = Limits.firstRequested("io weight", b.getWeight(),
                "io device weights", weights.stream().anyMatch(d -> d.getWeight() != null) ? weights : null,
                "io read bps limit", Limits.nullIfEmpty(b.getThrottleReadBpsDevice()),
                "io write bps limit", Limits.nullIfEmpty(b.getThrottleWriteBpsDevice()),
                "io read iops limit", Limits.nullIfEmpty(b.getThrottleReadIOPSDevice()),
                "io write iops limit", Limits.nullIfEmpty(b.getThrottleWriteIOPSDevice()));
        if (what == null) return;
        Path dir = controllerDir("io", what);
        // With BFQ the weight goes to io.bfq.weight on the blkio scale; otherwise io.weight on its own scale.
        Path bfq = dir.resolve("io.bfq.weight");
        boolean useBfq = Files.exists(bfq);
        if (b.getWeight() != null) {
            if (useBfq) {
                CgroupFiles.write(bfq, Integer.toString(b.getWeight()));
            } else {
                CgroupFiles.write(V1Limits.file(dir, "io.weight", "io weight"),
                        "default " + blkioToIoWeight(b.getWeight()));
            }
        }
        for (LinuxWeightDevice d : weights) {
            if (d.getWeight() == null) continue;
            String dev = Limits.device(d.getMajor(), d.getMinor());
            if (useBfq) {
                CgroupFiles.write(bfq, dev + " " + d.getWeight());
            } else {
                CgroupFiles.write(V1Limits.file(dir, "io.weight", "io device weight"), dev + " " + blkioToIoWeight(d.getWeight()));
            }
        }
        throttle(dir, "rbps", "io read bps limit", b.getThrottleReadBpsDevice());
        throttle(dir, "wbps", "io write bps limit", b.getThrottleWriteBpsDevice());
        throttle(dir, "riops", "io read iops limit", b.getThrottleReadIOPSDevice());
        throttle(dir, "wiops", "io write iops limit", b.getThrottleWriteIOPSDevice());
    }

    private void throttle(Path dir, String key, String what, List<LinuxThrottleDevice> devices) throws CgroupException {
        for (LinuxThrottleDevice d : Limits.list(devices)) {
            long rate = d.getRate() == null ? 0 : d.getRate();
            // io.max: "MAJ:MIN key=value", "max" removes the limit (v1's rate 0).
            CgroupFiles.write(V1Limits.file(dir, "io.max", what),
                    Limits.device(d.getMajor(), d.getMinor()) + " " + key + "=" + (rate <= 0 ? "max" : Long.toString(rate)));
        }
    }

    // ---- huge pages ----

    void hugepages(List<LinuxHugepageLimit> limits) throws CgroupException {
        if (limits == null) return;
        for (LinuxHugepageLimit h : limits) {
            if (h.getLimit() == null) continue;
            String size = Limits.pageSize(h.getPageSize());
            String what = "hugepage limit for " + size;
            Path dir = controllerDir("hugetlb", what);
            CgroupFiles.write(V1Limits.file(dir, "hugetlb." + size + ".max", what), bytes(h.getLimit()));
        }
    }

    // ---- devices ----

    /**
     * cgroup v2 has no device files: the rules become an eBPF device filter ({@link DeviceFilter}) attached to
     * the container's cgroup, replacing the one attached before (an update).
     */
    void devices(List<LinuxDeviceCgroup> rules) throws CgroupException {
        if (rules == null || rules.isEmpty()) return;
        byte[] program;
        try {
            program = DeviceFilter.compile(rules);
        } catch (IllegalArgumentException e) {
            throw new CgroupException(e.getMessage(), e);
        }
        Syscalls sys = cg.syscalls();
        int filter = -1;
        int dir = -1;
        try {
            filter = sys.bpfLoadDeviceFilter(program);
            dir = sys.open(cg.dir().toString(), OpenFlags.RDONLY | OpenFlags.DIRECTORY, 0);
            sys.bpfAttachDeviceFilter(dir, filter);
        } catch (SyscallException e) {
            throw new CgroupException("device rules of " + cg.describe() + ": " + e.getMessage(), e);
        } finally {
            if (dir >= 0) sys.close(dir);
            if (filter >= 0) sys.close(filter); // the attachment holds the program
        }
    }

    // ---- unified ----

    void unified(Map<String, String> values) throws CgroupException {
        if (values == null) return;
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty() || key.contains("/") || key.equals("..") || key.equals(".")) {
                throw new CgroupException("unified resource key \"" + key + "\" is not a cgroup file name");
            }
            Path f = cg.dir().resolve(key);
            if (!Files.exists(f)) {
                String controller = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
                throw new CgroupException("unified resource \"" + key + "\" requested but " + f
                        + " does not exist (is the " + controller + " controller available?)");
            }
            CgroupFiles.write(f, e.getValue() == null ? "" : e.getValue());
        }
    }

    // ---- helpers ----

    private Path controllerDir(String controller, String what) throws CgroupException {
        if (!cg.has(controller)) {
            throw new CgroupException(what + " requested but the " + controller + " controller is not available in "
                    + cg.root());
        }
        return cg.dir();
    }

    /** Spec fields without a cgroup v2 counterpart; runc and youki skip them too. */
    private void ignored(String field, Object value) {
        if (value != null) {
            LOG.log(System.Logger.Level.WARNING, "ignoring linux.resources." + field + " of " + cg.describe()
                    + ": cgroup v2 has no equivalent");
        }
    }
}
