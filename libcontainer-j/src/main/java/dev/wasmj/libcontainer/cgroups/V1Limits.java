package dev.wasmj.libcontainer.cgroups;

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
 * Writes {@code linux.resources} into the cgroup v1 interface files of a container. Each method handles
 * one section and touches a controller only when something in that section is requested.
 */
final class V1Limits {
    private static final System.Logger LOG = System.getLogger(V1Limits.class.getName());

    private final V1Manager cg;

    V1Limits(V1Manager cg) {
        this.cg = cg;
    }

    void apply(LinuxResources r) throws CgroupException {
        if (r == null) return;
        memory(r.getMemory());
        cpu(r.getCpu());
        cpuset(r.getCpu());
        pids(r.getPids());
        blockIo(r.getBlockIO());
        hugepages(r.getHugepageLimits());
        devices(r.getDevices());
        Map<String, String> unified = r.getUnified();
        if (unified != null && !unified.isEmpty()) {
            throw new CgroupException("unified (cgroup v2) resources " + unified.keySet()
                    + " requested but this host has no cgroup v2 hierarchy");
        }
    }

    // ---- memory ----

    void memory(LinuxMemory m) throws CgroupException {
        if (m == null) return;
        Long limit = Limits.setOrNull(m.getLimit());
        Long reservation = Limits.setOrNull(m.getReservation());
        Long swap = Limits.setOrNull(m.getSwap());
        Long swappiness = m.getSwappiness();
        boolean disableOom = Boolean.TRUE.equals(m.getDisableOOMKiller());
        Long kernelTcp = Limits.setOrNull(m.getKernelTCP());
        if (m.getKernel() != null) {
            // Deprecated by the kernel (5.4) and ignored by runc too; writing it fails on current kernels.
            LOG.log(System.Logger.Level.WARNING, "ignoring linux.resources.memory.kernel: kernel memory limits are deprecated");
        }
        String what = Limits.firstRequested("memory limit", limit, "memory reservation", reservation,
                "memory+swap limit", swap, "memory swappiness", swappiness,
                "disabling the OOM killer", disableOom ? Boolean.TRUE : null, "kernel TCP memory limit", kernelTcp);
        if (what == null) return;
        Path dir = controllerDir("memory", what);

        if (Boolean.TRUE.equals(m.getCheckBeforeUpdate()) && limit != null && limit > 0) {
            long usage = Long.parseLong(CgroupFiles.read(dir.resolve("memory.usage_in_bytes")));
            if (limit < usage) {
                throw new CgroupException("memory limit " + limit + " is below the current usage " + usage + " of " + dir);
            }
        }

        Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
        if (swap != null && !Files.exists(memsw)) {
            // No swap accounting (swapaccount=0 or no swap support): there is nothing to limit.
            LOG.log(System.Logger.Level.WARNING, "ignoring the memory+swap limit: " + memsw
                    + " does not exist (swap accounting is off)");
            swap = null;
        }
        Path memLimit = file(dir, "memory.limit_in_bytes", "memory limit");
        if (swap != null) {
            // The kernel keeps limit <= memory+swap at every step, so the order of the two writes matters:
            // raise memory+swap first when it grows (or becomes unlimited) past the current value.
            Long current = CgroupFiles.readLimitIfExists(memsw);
            boolean swapFirst = swap == -1
                    || (limit != null && current != null && current != -1 && (limit == -1 || limit > current));
            if (swapFirst) {
                CgroupFiles.write(memsw, Long.toString(swap));
                if (limit != null) CgroupFiles.write(memLimit, Long.toString(limit));
            } else {
                if (limit != null) CgroupFiles.write(memLimit, Long.toString(limit));
                CgroupFiles.write(memsw, Long.toString(swap));
            }
        } else if (limit != null) {
            CgroupFiles.write(memLimit, Long.toString(limit));
        }
        if (reservation != null) {
            CgroupFiles.write(file(dir, "memory.soft_limit_in_bytes", "memory reservation"), Long.toString(reservation));
        }
        if (swappiness != null) {
            if (swappiness < 0 || swappiness > 100) {
                throw new CgroupException("memory swappiness " + swappiness + " is not within 0..100");
            }
            CgroupFiles.write(file(dir, "memory.swappiness", "memory swappiness"), Long.toString(swappiness));
        }
        if (disableOom) {
            // Only "true" is written: false is the kernel default, and a missing controller should not
            // fail a spec that merely spells the default out.
            CgroupFiles.write(file(dir, "memory.oom_control", "disabling the OOM killer"), "1");
        }
        if (kernelTcp != null) {
            CgroupFiles.write(file(dir, "memory.kmem.tcp.limit_in_bytes", "kernel TCP memory limit"), Long.toString(kernelTcp));
        }
    }

    // ---- cpu (the cpu controller; cpus/mems belong to cpuset) ----

    void cpu(LinuxCpu c) throws CgroupException {
        if (c == null) return;
        Long shares = Limits.setOrNull(c.getShares());
        Long quota = Limits.setOrNull(c.getQuota());
        Long period = Limits.setOrNull(c.getPeriod());
        Long burst = Limits.setOrNull(c.getBurst());
        Long rtPeriod = Limits.setOrNull(c.getRealtimePeriod());
        Long rtRuntime = Limits.setOrNull(c.getRealtimeRuntime());
        Long idle = Limits.setOrNull(c.getIdle()); // 0 is the default
        String what = Limits.firstRequested("cpu shares", shares, "cpu quota", quota, "cpu period", period,
                "cpu burst", burst, "realtime cpu period", rtPeriod, "realtime cpu runtime", rtRuntime, "cpu idle", idle);
        if (what == null) return;
        Path dir = controllerDir("cpu", what);
        if (shares != null) CgroupFiles.write(file(dir, "cpu.shares", "cpu shares"), Long.toString(shares));
        if (period != null || quota != null) {
            Path periodFile = file(dir, "cpu.cfs_period_us", what);
            Path quotaFile = file(dir, "cpu.cfs_quota_us", what);
            boolean quotaDone = false;
            if (period != null) {
                try {
                    CgroupFiles.write(periodFile, Long.toString(period));
                } catch (CgroupException e) {
                    // The kernel checks the new period against the current quota; with the new quota in
                    // place first the same period may be fine.
                    if (quota == null) throw e;
                    CgroupFiles.write(quotaFile, Long.toString(quota));
                    quotaDone = true;
                    CgroupFiles.write(periodFile, Long.toString(period));
                }
            }
            if (quota != null && !quotaDone) CgroupFiles.write(quotaFile, Long.toString(quota));
        }
        if (burst != null) CgroupFiles.write(file(dir, "cpu.cfs_burst_us", "cpu burst"), Long.toString(burst));
        // Period before runtime: the runtime must fit into the period.
        if (rtPeriod != null) CgroupFiles.write(file(dir, "cpu.rt_period_us", "realtime cpu period"), Long.toString(rtPeriod));
        if (rtRuntime != null) CgroupFiles.write(file(dir, "cpu.rt_runtime_us", "realtime cpu runtime"), Long.toString(rtRuntime));
        if (idle != null) CgroupFiles.write(file(dir, "cpu.idle", "cpu idle"), Long.toString(idle));
    }

    void cpuset(LinuxCpu c) throws CgroupException {
        if (c == null) return;
        String cpus = Limits.nonEmpty(c.getCpus());
        String mems = Limits.nonEmpty(c.getMems());
        String what = Limits.firstRequested("cpuset cpus", cpus, "cpuset mems", mems);
        if (what == null) return;
        Path dir = controllerDir("cpuset", what);
        if (cpus != null) CgroupFiles.write(file(dir, "cpuset.cpus", "cpuset cpus"), cpus);
        if (mems != null) CgroupFiles.write(file(dir, "cpuset.mems", "cpuset mems"), mems);
    }

    // ---- pids ----

    void pids(LinuxPids p) throws CgroupException {
        if (p == null || p.getLimit() == null) return;
        Path dir = controllerDir("pids", "pids limit");
        CgroupFiles.write(file(dir, "pids.max", "pids limit"), Limits.pidsValue(p.getLimit()));
    }

    // ---- block I/O ----

    void blockIo(LinuxBlockIo b) throws CgroupException {
        if (b == null) return;
        List<LinuxWeightDevice> weights = Limits.list(b.getWeightDevice());
        String what = Limits.firstRequested("blkio weight", b.getWeight(), "blkio leaf weight", b.getLeafWeight(),
                "blkio device weights", weights.isEmpty() ? null : weights,
                "blkio read bps throttle", Limits.nullIfEmpty(b.getThrottleReadBpsDevice()),
                "blkio write bps throttle", Limits.nullIfEmpty(b.getThrottleWriteBpsDevice()),
                "blkio read iops throttle", Limits.nullIfEmpty(b.getThrottleReadIOPSDevice()),
                "blkio write iops throttle", Limits.nullIfEmpty(b.getThrottleWriteIOPSDevice()));
        if (what == null) return;
        Path dir = controllerDir("blkio", what);
        if (b.getWeight() != null) {
            // CFQ had blkio.weight; with CFQ gone, BFQ offers blkio.bfq.weight.
            CgroupFiles.write(firstExisting(dir, "blkio weight", "blkio.weight", "blkio.bfq.weight"),
                    Integer.toString(b.getWeight()));
        }
        if (b.getLeafWeight() != null) {
            CgroupFiles.write(file(dir, "blkio.leaf_weight", "blkio leaf weight"), Integer.toString(b.getLeafWeight()));
        }
        for (LinuxWeightDevice d : weights) {
            if (d.getWeight() != null) {
                CgroupFiles.write(firstExisting(dir, "blkio device weight", "blkio.weight_device", "blkio.bfq.weight_device"),
                        Limits.device(d.getMajor(), d.getMinor()) + " " + d.getWeight());
            }
            if (d.getLeafWeight() != null) {
                CgroupFiles.write(file(dir, "blkio.leaf_weight_device", "blkio device leaf weight"),
                        Limits.device(d.getMajor(), d.getMinor()) + " " + d.getLeafWeight());
            }
        }
        throttle(dir, "blkio.throttle.read_bps_device", "blkio read bps throttle", b.getThrottleReadBpsDevice());
        throttle(dir, "blkio.throttle.write_bps_device", "blkio write bps throttle", b.getThrottleWriteBpsDevice());
        throttle(dir, "blkio.throttle.read_iops_device", "blkio read iops throttle", b.getThrottleReadIOPSDevice());
        throttle(dir, "blkio.throttle.write_iops_device", "blkio write iops throttle", b.getThrottleWriteIOPSDevice());
    }

    private void throttle(Path dir, String name, String what, List<LinuxThrottleDevice> devices) throws CgroupException {
        for (LinuxThrottleDevice d : Limits.list(devices)) {
            // One device per write; rate 0 removes the rule.
            CgroupFiles.write(file(dir, name, what), Limits.device(d.getMajor(), d.getMinor()) + " "
                    + (d.getRate() == null ? 0 : d.getRate()));
        }
    }

    // ---- huge pages ----

    void hugepages(List<LinuxHugepageLimit> limits) throws CgroupException {
        if (limits == null || limits.isEmpty()) return;
        for (LinuxHugepageLimit h : limits) {
            if (h.getLimit() == null) continue;
            String size = Limits.pageSize(h.getPageSize());
            String what = "hugepage limit for " + size;
            Path dir = controllerDir("hugetlb", what);
            CgroupFiles.write(file(dir, "hugetlb." + size + ".limit_in_bytes", what), Long.toString(h.getLimit()));
        }
    }

    // ---- devices ----

    void devices(List<LinuxDeviceCgroup> rules) throws CgroupException {
        if (rules == null || rules.isEmpty()) return;
        Path dir = controllerDir("devices", "device access rules");
        Path allow = file(dir, "devices.allow", "device access rules");
        Path deny = file(dir, "devices.deny", "device access rules");
        // In order, as in the spec: typically "deny all" first, then the allowed devices.
        for (LinuxDeviceCgroup rule : rules) {
            CgroupFiles.write(Boolean.TRUE.equals(rule.getAllow()) ? allow : deny, Limits.deviceRule(rule));
        }
    }

    // ---- helpers ----

    private Path controllerDir(String controller, String what) throws CgroupException {
        Path dir = cg.dir(controller);
        if (dir == null) {
            throw new CgroupException(what + " requested but the " + controller
                    + " controller is not available (no cgroup v1 hierarchy has it mounted)");
        }
        return dir;
    }

    static Path file(Path dir, String name, String what) throws CgroupException {
        Path f = dir.resolve(name);
        if (!Files.exists(f)) {
            throw new CgroupException(what + " requested but " + f + " does not exist");
        }
        return f;
    }

    private static Path firstExisting(Path dir, String what, String... names) throws CgroupException {
        for (String n : names) {
            Path f = dir.resolve(n);
            if (Files.exists(f)) return f;
        }
        throw new CgroupException(what + " requested but none of " + List.of(names) + " exists in " + dir);
    }
}
