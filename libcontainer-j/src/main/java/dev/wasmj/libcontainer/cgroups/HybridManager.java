package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.libcontainer.syscall.Syscalls;

import dev.wasmj.oci.runtime.LinuxResources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hybrid hosts: limits live in the v1 hierarchies, while the cgroup2 mount (usually holding no
 * controllers) tracks the processes and offers cgroup.kill. A controller that only the v2 side has
 * (e.g. hugetlb on some hosts) is used there.
 */
final class HybridManager implements CgroupManager {
    private final V1Manager v1;
    private final V2Manager v2;
    private final CgroupSetup setup;

    HybridManager(CgroupSetup setup, String path) {
        this.setup = setup;
        this.v1 = new V1Manager(setup, path);
        this.v2 = new V2Manager(setup.unifiedMount().orElseThrow(), path, Syscalls.linux());
    }

    @Override
    public String path() {
        return v1.path();
    }

    @Override
    public CgroupSetup.Mode mode() {
        return CgroupSetup.Mode.HYBRID;
    }

    @Override
    public void create() throws IOException {
        v1.create();
        v2.create();
    }

    private interface Write {
        void run() throws IOException;
    }

    @Override
    public void apply(LinuxResources r) throws IOException {
        if (r == null) return;
        V1Limits l1 = new V1Limits(v1);
        V2Limits l2 = new V2Limits(v2);
        route("memory", "memory", () -> l1.memory(r.getMemory()), () -> l2.memory(r.getMemory()));
        route("cpu", "cpu", () -> l1.cpu(r.getCpu()), () -> l2.cpu(r.getCpu()));
        route("cpuset", "cpuset", () -> l1.cpuset(r.getCpu()), () -> l2.cpuset(r.getCpu()));
        route("pids", "pids", () -> l1.pids(r.getPids()), () -> l2.pids(r.getPids()));
        route("blkio", "io", () -> l1.blockIo(r.getBlockIO()), () -> l2.io(r.getBlockIO()));
        route("hugetlb", "hugetlb", () -> l1.hugepages(r.getHugepageLimits()), () -> l2.hugepages(r.getHugepageLimits()));
        // v2 has no devices controller to look for: without a v1 one, V2Limits explains what is skipped.
        if (v1.has("devices")) l1.devices(r.getDevices());
        else l2.devices(r.getDevices());
        l2.unified(r.getUnified());
    }

    /** v1 when it has the controller, or when neither side has it (so the v1 error message is shown). */
    private void route(String v1Controller, String v2Controller, Write onV1, Write onV2) throws IOException {
        if (v1.has(v1Controller) || !v2.has(v2Controller)) {
            onV1.run();
        } else {
            onV2.run();
        }
    }

    @Override
    public List<Path> placementFiles() {
        List<Path> out = new ArrayList<>(v1.placementFiles());
        out.addAll(v2.placementFiles());
        return out;
    }

    @Override
    public void addProcess(long pid) throws IOException {
        v1.addProcess(pid);
        v2.addProcess(pid);
    }

    /** The v2 side holds every process placed into the container. */
    @Override
    public List<Long> pids() throws IOException {
        return v2.pids();
    }

    /** The v1 freezer when mounted (it is the one the limits' side of the host knows), else cgroup.freeze. */
    @Override
    public void freeze() throws IOException {
        if (v1.hasFreezer()) v1.freeze();
        else v2.freeze();
    }

    @Override
    public void thaw() throws IOException {
        if (v1.hasFreezer()) v1.thaw();
        else v2.thaw();
    }

    @Override
    public FreezerState freezerState() throws IOException {
        return v1.hasFreezer() ? v1.freezerState() : v2.freezerState();
    }

    @Override
    public boolean supportsKill() {
        return v2.supportsKill();
    }

    /** cgroup.kill on the v2 side; tasks frozen by the v1 freezer only die once thawed, so thaw them. */
    @Override
    public void kill() throws IOException {
        v2.kill();
        if (v1.hasFreezer() && v1.exists() && v1.freezerState() != FreezerState.THAWED) {
            v1.thaw();
        }
    }

    /** Each section from v1 where it has one, else from v2. */
    @Override
    public CgroupStats stats() throws IOException {
        CgroupStats a = v1.stats();
        CgroupStats b = v2.exists() ? v2.stats() : new CgroupStats(null, null, null, Map.of());
        Map<String, CgroupStats.Hugetlb> hugetlb = new TreeMap<>(b.hugetlb());
        hugetlb.putAll(a.hugetlb());
        return new CgroupStats(a.memory() != null ? a.memory() : b.memory(), a.cpu() != null ? a.cpu() : b.cpu(),
                a.pids() != null ? a.pids() : b.pids(), hugetlb);
    }

    @Override
    public long oomKillCount() throws IOException {
        return v1.has("memory") ? v1.oomKillCount() : v2.oomKillCount();
    }

    /** Both sides in one go, so that the retry time for exiting processes is spent only once. */
    @Override
    public void destroy() throws IOException {
        List<Path> dirs = new ArrayList<>(v1.allDirs());
        dirs.add(v2.dir());
        CgroupTree.remove(dirs);
    }

    /**
     * The limits live in v1, where the cgroup is renamed, memory included (a host whose memory controller is on the
     * cgroup2 side cannot keep a process's charges with it); the v2 side only tracks, so its processes just move.
     */
    @Override
    public boolean canAdopt() {
        return v1.has("memory");
    }

    @Override
    public boolean canAdoptWithCgroupNamespace() {
        return false;
    }

    @Override
    public void adopt(CgroupManager other) throws IOException {
        adoptLimitedSide(other);
        finishAdoption(other);
    }

    /** The v1 side renamed, the v2 side made (a limit of a v2-only controller can be written there now). */
    @Override
    public void adoptLimitedSide(CgroupManager other) throws IOException {
        HybridManager parked = (HybridManager) other;
        v1.adopt(parked.v1);
        try {
            v2.create();
        } catch (IOException | RuntimeException e) {
            undoRename(parked, e);
            throw e;
        }
    }

    /** The processes moved on the v2 side and the old cgroup removed there; undone on failure. */
    @Override
    public void finishAdoption(CgroupManager other) throws IOException {
        HybridManager parked = (HybridManager) other;
        try {
            for (long pid : parked.v2.pids()) CgroupFiles.write(v2.dir().resolve("cgroup.procs"), Long.toString(pid));
            CgroupTree.remove(List.of(parked.v2.dir()));
        } catch (IOException | RuntimeException e) {
            try {
                for (long pid : v2.pids()) CgroupFiles.write(parked.v2.dir().resolve("cgroup.procs"), Long.toString(pid));
            } catch (IOException | RuntimeException undo) {
                e.addSuppressed(undo);
            }
            undoRename(parked, e);
            throw e;
        }
    }

    @Override
    public String cgroup2PathAfterAdoption() {
        return v2.path();
    }

    private void undoRename(HybridManager parked, Exception e) {
        try {
            CgroupTree.remove(List.of(v2.dir()));
            parked.v1.adopt(v1);
        } catch (IOException | RuntimeException undo) {
            e.addSuppressed(undo);
        }
    }

    @Override
    public boolean exists() {
        return v1.exists() || v2.exists();
    }

    @Override
    public String describe() {
        return "cgroup " + path() + " (" + setup + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
