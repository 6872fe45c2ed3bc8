package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.oci.runtime.LinuxResources;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container cgroup on cgroup v1: one directory per mounted hierarchy (including named ones such as
 * name=systemd, which only track processes), all at the same path below each hierarchy's root.
 */
final class V1Manager implements CgroupManager {
    /** Hierarchies that say best whether a process is in the container, in order of preference. */
    private static final List<String> TRACKING_ORDER = List.of("freezer", "pids", "memory", "cpu", "devices", "name=systemd");

    private static final long FREEZE_TIMEOUT_MILLIS = 2000;

    private final CgroupSetup setup;
    private final String path;
    private final Map<String, Path> dirs = new LinkedHashMap<>(); // controller -> container directory

    V1Manager(CgroupSetup setup, String path) {
        this.setup = setup;
        this.path = path;
        for (Map.Entry<String, Path> e : setup.v1Hierarchies().entrySet()) {
            dirs.put(e.getKey(), below(e.getValue(), path));
        }
    }

    static Path below(Path root, String cgroupPath) {
        return root.resolve(cgroupPath.substring(1));
    }

    /** Whether the controller's hierarchy is mounted. */
    boolean has(String controller) {
        return dirs.containsKey(controller);
    }

    /** The container's directory in the controller's hierarchy, or null if that is not mounted. */
    Path dir(String controller) {
        return dirs.get(controller);
    }

    /** One directory per hierarchy (co-mounted controllers share a directory). */
    Set<Path> allDirs() {
        return new LinkedHashSet<>(dirs.values());
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public CgroupSetup.Mode mode() {
        return CgroupSetup.Mode.LEGACY;
    }

    @Override
    public void create() throws IOException {
        for (Path root : setup.v1MountPoints()) {
            boolean cpuset = root.equals(setup.v1Hierarchies().get("cpuset"));
            Path dir = root;
            for (String part : path.substring(1).split("/")) {
                dir = dir.resolve(part);
                mkdir(dir);
                if (cpuset) inheritCpuset(dir);
            }
        }
    }

    static void mkdir(Path dir) throws CgroupException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException exists) {
            // created before (or by a concurrent caller); fine
        } catch (IOException e) {
            throw new CgroupException("cannot create cgroup " + dir + ": " + CgroupFiles.reason(e), e);
        }
    }

    /**
     * A new v1 cpuset starts with empty cpuset.cpus and cpuset.mems, and no task can join it until both
     * are set; start from the parent's values (the limits in the spec are applied afterwards).
     */
    private static void inheritCpuset(Path dir) throws CgroupException {
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            Path own = dir.resolve(file);
            if (CgroupFiles.read(own).isEmpty()) {
                CgroupFiles.write(own, CgroupFiles.read(dir.getParent().resolve(file)));
            }
        }
    }

    @Override
    public void apply(LinuxResources resources) throws IOException {
        new V1Limits(this).apply(resources);
    }

    @Override
    public List<Path> placementFiles() {
        List<Path> out = new ArrayList<>();
        for (Path d : allDirs()) out.add(d.resolve("cgroup.procs"));
        return out;
    }

    @Override
    public void addProcess(long pid) throws IOException {
        for (Path procs : placementFiles()) CgroupFiles.write(procs, Long.toString(pid));
    }

    /** The container directory of the hierarchy used to list processes. */
    Path trackingDir() {
        for (String c : TRACKING_ORDER) {
            if (dirs.containsKey(c)) return dirs.get(c);
        }
        return dirs.values().iterator().next();
    }

    @Override
    public List<Long> pids() throws IOException {
        return CgroupTree.pids(trackingDir());
    }

    boolean hasFreezer() {
        return has("freezer");
    }

    private Path freezerStateFile() throws CgroupException {
        if (!hasFreezer()) {
            throw new CgroupException("freezing " + describe() + " needs the freezer controller, which is not mounted");
        }
        return dir("freezer").resolve("freezer.state");
    }

    @Override
    public void freeze() throws IOException {
        Path state = freezerStateFile();
        CgroupFiles.write(state, "FROZEN");
        long start = System.nanoTime();
        long lastWrite = start;
        while (true) {
            if (FreezerState.valueOf(CgroupFiles.read(state)) == FreezerState.FROZEN) return;
            long now = System.nanoTime();
            if (now - start > FREEZE_TIMEOUT_MILLIS * 1_000_000) {
                // Leave no half-frozen container behind.
                CgroupFiles.write(state, "THAWED");
                throw new CgroupException("cannot freeze " + dir("freezer") + ": some tasks stayed FREEZING for "
                        + FREEZE_TIMEOUT_MILLIS + " ms (thawed it again)");
            }
            if (now - lastWrite > 100_000_000) {
                // Asking again makes the kernel retry tasks that were busy (e.g. in vfork) the last time.
                CgroupFiles.write(state, "FROZEN");
                lastWrite = now;
            }
            CgroupTree.sleep(2);
        }
    }

    @Override
    public void thaw() throws IOException {
        Path state = freezerStateFile();
        CgroupFiles.write(state, "THAWED");
        long start = System.nanoTime();
        while (FreezerState.valueOf(CgroupFiles.read(state)) != FreezerState.THAWED) {
            if (System.nanoTime() - start > FREEZE_TIMEOUT_MILLIS * 1_000_000) {
                throw new CgroupException("cannot thaw " + dir("freezer") + ": still " + CgroupFiles.read(state));
            }
            CgroupTree.sleep(2);
        }
    }

    @Override
    public FreezerState freezerState() throws IOException {
        if (!hasFreezer()) return FreezerState.THAWED; // nothing could have frozen it
        return FreezerState.valueOf(CgroupFiles.read(freezerStateFile()));
    }

    @Override
    public boolean supportsKill() {
        return false;
    }

    @Override
    public void kill() throws IOException {
        throw new CgroupException("cgroup v1 cannot kill a whole cgroup; signal the pids of " + describe() + " instead");
    }

    @Override
    public CgroupStats stats() throws IOException {
        return V1Stats.read(this);
    }

    @Override
    public long oomKillCount() throws IOException {
        return V1Stats.oomKills(this);
    }

    @Override
    public void destroy() throws IOException {
        CgroupTree.remove(allDirs());
    }

    @Override
    public boolean canAdopt() {
        return true;
    }

    /** A rename in every hierarchy; the ones done are renamed back when one fails. */
    @Override
    public void adopt(CgroupManager other) throws IOException {
        V1Manager parked = (V1Manager) other; // a hybrid host's manager passes its v1 side
        List<Path[]> done = new ArrayList<>();
        try {
            for (Path root : setup.v1MountPoints()) {
                Path from = below(root, parked.path);
                Path to = below(root, path);
                if (!from.getParent().equals(to.getParent())) {
                    throw new CgroupException("cgroup " + parked.path + " is not beside " + path + ": it cannot become it");
                }
                Files.move(from, to);
                done.add(new Path[] {from, to});
            }
        } catch (IOException | RuntimeException e) {
            for (Path[] d : done) {
                try {
                    Files.move(d[1], d[0]);
                } catch (IOException ignored) {
                    // the first failure is the one to report
                }
            }
            throw e instanceof CgroupException ce ? ce : new CgroupException("rename of cgroup " + parked.path + " to " + path
                    + " failed: " + e, e);
        }
    }

    @Override
    public boolean exists() {
        for (Path d : allDirs()) {
            if (Files.isDirectory(d)) return true;
        }
        return false;
    }

    @Override
    public String describe() {
        return "cgroup " + path + " (" + setup + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
