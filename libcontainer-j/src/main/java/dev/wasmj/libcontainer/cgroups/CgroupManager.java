package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.oci.runtime.LinuxResources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The cgroup(s) of one container, in every hierarchy of the host. Obtain one with
 * {@link Cgroups#forContainer(String, String)}. Instances are cheap and stateless beyond the paths, so a
 * later command (kill, delete, stats) can build a new one from the saved cgroupsPath.
 */
public interface CgroupManager {

    /** The normalized cgroup path, the same in every hierarchy, e.g. {@code /libcontainer-j/abc}. */
    String path();

    /** The host layout this manager works with. */
    CgroupSetup.Mode mode();

    /** Creates the cgroup directories (and what they need to be usable). Existing ones are fine. */
    void create() throws IOException;

    /**
     * Writes the limits of the spec's {@code linux.resources}. Null sections are left alone. A requested
     * limit whose controller or file is missing is an error naming both.
     */
    void apply(LinuxResources resources) throws IOException;

    /**
     * The {@code cgroup.procs} file of this cgroup in every hierarchy. A process joins the cgroups by
     * writing "0" (itself) or its pid to each of them; the spawner opens them before the child starts.
     */
    List<Path> placementFiles();

    /** Moves a running process (and its threads) into the cgroups: writes its pid to every placement file. */
    void addProcess(long pid) throws IOException;

    /** All pids in the cgroup and its sub-cgroups, sorted. Empty if the cgroup does not exist. */
    List<Long> pids() throws IOException;

    /** Freezes every process of the cgroup; returns once they are all frozen. */
    void freeze() throws IOException;

    /** Lets the processes run again. */
    void thaw() throws IOException;

    FreezerState freezerState() throws IOException;

    /** Whether {@link #kill()} can kill the whole cgroup at once (cgroup v2's cgroup.kill). */
    boolean supportsKill();

    /**
     * SIGKILLs every process of the cgroup (and its sub-cgroups) in one go. Only when
     * {@link #supportsKill()}; otherwise the caller signals the {@link #pids()} itself.
     */
    void kill() throws IOException;

    /** Usage figures; sections of controllers the host lacks are null. */
    CgroupStats stats() throws IOException;

    /** How many processes the OOM killer killed in this cgroup (0 when unknown). */
    long oomKillCount() throws IOException;

    /**
     * Removes the cgroup directories, sub-cgroups first (rmdir only), waiting briefly for exiting
     * processes. Fine if they are already gone.
     */
    void destroy() throws IOException;

    /**
     * Whether {@link #adopt} works on this host. It needs a rename of the cgroup in every hierarchy that holds a
     * memory controller: cgroup v1 renames a cgroup within its parent; cgroup v2 cannot rename one, and moving a
     * process there leaves what it was charged behind (docs/performance.md, pre-started inits).
     */
    default boolean canAdopt() {
        return false;
    }

    /**
     * As {@link #canAdopt()}, for a process that made its cgroup namespace in the cgroup taken over: only where
     * every hierarchy renames (on a hybrid host the cgroup2 side moves the process and removes the old cgroup,
     * which would leave the namespace's root behind).
     */
    default boolean canAdoptWithCgroupNamespace() {
        return canAdopt();
    }

    /**
     * Makes {@code parked}, a cgroup of the same parent made by the same layout, this one: renamed to this path, so
     * its processes stay in it and what they were charged stays charged to it. Fails, changing nothing, when this
     * cgroup exists already or {@link #canAdopt} is false.
     */
    default void adopt(CgroupManager parked) throws IOException {
        throw new CgroupException("cgroup " + path() + " cannot take over another cgroup on this host (" + describe() + ")");
    }

    /**
     * {@link #adopt} in two steps, for a caller with something to do in between: this one makes the cgroup in every
     * hierarchy, ready for {@link #apply}, with the processes in it where it holds limits; {@link #finishAdoption}
     * moves them on the side that only tracks them (cgroup2 on a hybrid host: a move there waits for an RCU grace
     * period, ~10-20 ms). Default: all of it in the first step.
     */
    default void adoptLimitedSide(CgroupManager parked) throws IOException {
        adopt(parked);
    }

    /** The rest of {@link #adoptLimitedSide}: nothing, or the move on the tracking side and the old cgroup's removal there. */
    default void finishAdoption(CgroupManager parked) throws IOException {}

    /**
     * The cgroup {@link #finishAdoption} moves the processes to on the cgroup2 hierarchy, or null when it moves
     * none: until then their own /proc/self/cgroup names the cgroup they waited in.
     */
    default String cgroup2PathAfterAdoption() {
        return null;
    }

    /** Whether the cgroup directory exists in any hierarchy. */
    boolean exists();

    /** For messages: the path and where it lives, e.g. {@code /x (cgroup v2 at /sys/fs/cgroup)}. */
    String describe();
}
