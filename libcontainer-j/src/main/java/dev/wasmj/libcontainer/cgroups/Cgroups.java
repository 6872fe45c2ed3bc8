package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;

/** Entry point: the {@link CgroupManager} for a container on this host. */
public final class Cgroups {
    private Cgroups() {}

    /**
     * The manager for a container, for the cgroup layout detected now from /proc/self/mountinfo.
     *
     * @param cgroupsPath the spec's {@code linux.cgroupsPath}, may be null (see {@link CgroupPath#resolve})
     * @param containerId used for the default path
     */
    public static CgroupManager forContainer(String cgroupsPath, String containerId) throws IOException {
        return forContainer(CgroupSetup.detect(), cgroupsPath, containerId);
    }

    /**
     * The manager for a container in a given layout, e.g. {@code CgroupSetup.unified(Path.of(...))} to
     * use a particular cgroup2 mount or a test directory as the root.
     */
    public static CgroupManager forContainer(CgroupSetup setup, String cgroupsPath, String containerId)
            throws CgroupException {
        return forContainer(setup, cgroupsPath, containerId, Syscalls.linux());
    }

    /** As above, making its system calls (cgroup v2 device filters) through {@code sys}. */
    public static CgroupManager forContainer(CgroupSetup setup, String cgroupsPath, String containerId, Syscalls sys)
            throws CgroupException {
        String path = CgroupPath.resolve(cgroupsPath, containerId);
        return switch (setup.mode()) {
            case LEGACY -> new V1Manager(setup, path);
            case UNIFIED -> new V2Manager(setup.unifiedMount().orElseThrow(), path, sys);
            case HYBRID -> new HybridManager(setup, path);
        };
    }
}
