package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.libcontainer.syscall.Syscalls;

import dev.wasmj.oci.runtime.LinuxResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A container cgroup on cgroup v2: a single directory. Controllers are only usable in a cgroup if every
 * ancestor lists them in cgroup.subtree_control, so {@link #create()} enables them from the root down.
 */
final class V2Manager implements CgroupManager {
    private static final System.Logger LOG = System.getLogger(V2Manager.class.getName());

    /** Controllers {@link V2Limits} may write to; enabled for the container when the host offers them. */
    static final List<String> WANTED_CONTROLLERS = List.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids");

    private static final long FREEZE_TIMEOUT_MILLIS = 2000;

    private final Path root;
    private final String path;
    private final Path dir;
    private final Syscalls sys;

    V2Manager(Path root, String path, Syscalls sys) {
        this.root = root;
        this.path = path;
        this.dir = V1Manager.below(root, path);
        this.sys = sys;
    }

    /** The seam for what is not a file write: the device filter's bpf(2). */
    Syscalls syscalls() {
        return sys;
    }

    /** The cgroup2 mount (or test directory) this cgroup is below. */
    Path root() {
        return root;
    }

    /** The container's cgroup directory. */
    Path dir() {
        return dir;
    }

    /** Whether the controller is usable in the container's cgroup (listed in its cgroup.controllers). */
    boolean has(String controller) throws CgroupException {
        return CgroupFiles.readWords(dir.resolve("cgroup.controllers")).contains(controller);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public CgroupSetup.Mode mode() {
        return CgroupSetup.Mode.UNIFIED;
    }

    @Override
    public void create() throws IOException {
        Path parent = root;
        for (String part : path.substring(1).split("/")) {
            enableControllers(parent);
            Path child = parent.resolve(part);
            V1Manager.mkdir(child);
            parent = child;
        }
    }

    /**
     * Enables in the parent's cgroup.subtree_control every wanted controller it has. One write per
     * controller so that one refusal (e.g. EBUSY: the parent has processes of its own, which v2 forbids
     * for cgroups that distribute controllers) does not block the others; a missing controller is
     * reported later by {@link #apply} if a limit needs it.
     */
    private static void enableControllers(Path parent) throws CgroupException {
        List<String> available = CgroupFiles.readWords(parent.resolve("cgroup.controllers"));
        Set<String> enabled = Set.copyOf(CgroupFiles.readWords(parent.resolve("cgroup.subtree_control")));
        for (String c : WANTED_CONTROLLERS) {
            if (!available.contains(c) || enabled.contains(c)) continue;
            try {
                CgroupFiles.write(parent.resolve("cgroup.subtree_control"), "+" + c);
            } catch (CgroupException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot enable the " + c + " controller: " + e.getMessage());
            }
        }
    }

    @Override
    public void apply(LinuxResources resources) throws IOException {
        new V2Limits(this).apply(resources);
    }

    @Override
    public List<Path> placementFiles() {
        return List.of(dir.resolve("cgroup.procs"));
    }

    @Override
    public void addProcess(long pid) throws IOException {
        CgroupFiles.write(dir.resolve("cgroup.procs"), Long.toString(pid));
    }

    @Override
    public List<Long> pids() throws IOException {
        return CgroupTree.pids(dir);
    }

    private Path freezeFile() throws CgroupException {
        Path f = dir.resolve("cgroup.freeze");
        if (!Files.exists(f)) {
            throw new CgroupException("freezing needs " + f + " (Linux 5.2 or later), which does not exist");
        }
        return f;
    }

    @Override
    public void freeze() throws IOException {
        CgroupFiles.write(freezeFile(), "1");
        if (!awaitFrozen(true)) {
            CgroupFiles.write(freezeFile(), "0");
            throw new CgroupException("cannot freeze " + dir + ": cgroup.events did not report \"frozen 1\" within "
                    + FREEZE_TIMEOUT_MILLIS + " ms (thawed it again)");
        }
    }

    @Override
    public void thaw() throws IOException {
        CgroupFiles.write(freezeFile(), "0");
        if (!awaitFrozen(false)) {
            // Still frozen: an ancestor cgroup is frozen, which is not ours to change.
            throw new CgroupException("cannot thaw " + dir + ": still frozen (is a parent cgroup frozen?)");
        }
    }

    /** Waits until cgroup.events says "frozen 1" (or "frozen 0"); the freeze itself is asynchronous. */
    private boolean awaitFrozen(boolean frozen) throws CgroupException {
        long start = System.nanoTime();
        while (true) {
            if (isFrozen() == frozen) return true;
            if (System.nanoTime() - start > FREEZE_TIMEOUT_MILLIS * 1_000_000) return false;
            CgroupTree.sleep(2);
        }
    }

    private boolean isFrozen() throws CgroupException {
        return CgroupFiles.readKeyed(dir.resolve("cgroup.events")).getOrDefault("frozen", 0L) == 1;
    }

    @Override
    public FreezerState freezerState() throws IOException {
        String wanted = CgroupFiles.readIfExists(dir.resolve("cgroup.freeze"));
        if (wanted == null && !Files.isDirectory(dir)) {
            throw new CgroupException("cannot read the freezer state of " + dir + ": the cgroup does not exist");
        }
        if (!"1".equals(wanted)) return FreezerState.THAWED;
        return isFrozen() ? FreezerState.FROZEN : FreezerState.FREEZING;
    }

    @Override
    public boolean supportsKill() {
        return Files.exists(dir.resolve("cgroup.kill"));
    }

    @Override
    public void kill() throws IOException {
        Path f = dir.resolve("cgroup.kill");
        if (!Files.exists(f)) {
            throw new CgroupException("cannot kill the cgroup at once: " + f + " does not exist (Linux 5.14 or later)");
        }
        CgroupFiles.write(f, "1");
    }

    @Override
    public CgroupStats stats() throws IOException {
        return V2Stats.read(dir);
    }

    @Override
    public long oomKillCount() throws IOException {
        return V2Stats.oomKills(dir);
    }

    @Override
    public void destroy() throws IOException {
        CgroupTree.remove(List.of(dir));
    }

    @Override
    public boolean exists() {
        return Files.isDirectory(dir);
    }

    @Override
    public String describe() {
        return "cgroup " + path + " (cgroup v2 at " + root + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
