package dev.wasmj.libcontainer.cgroups;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules for the OCI {@code linux.cgroupsPath} value. The result is a normalized path such as
 * {@code /libcontainer-j/abc} that is the same in every hierarchy, below each hierarchy's root.
 */
public final class CgroupPath {
    /** Parent of the default cgroups of containers that come without a cgroupsPath. */
    public static final String DEFAULT_PARENT = "/libcontainer-j";

    /** Exists while systemd is PID 1 (sd_booted(3) checks the same directory). */
    public static final Path SYSTEMD_RUNNING = Path.of("/run/systemd/system");
    /** Why systemd cgroups cannot work here when {@link #systemdRunning()} is false. */
    public static final String SYSTEMD_ABSENT = "systemd is not running on this machine (no " + SYSTEMD_RUNNING + ")";

    private CgroupPath() {}

    public static boolean systemdRunning() {
        return Files.isDirectory(SYSTEMD_RUNNING);
    }

    /** Why a systemd cgroup path ("slice:prefix:name") cannot be used: systemd is absent, or its driver is missing here. */
    static String systemdPathRefusal(String cgroupsPath, boolean systemdRunning) {
        return "cgroupsPath \"" + cgroupsPath + "\" is a systemd cgroup path (slice:prefix:name), "
                + (systemdRunning ? "and this runtime has no systemd cgroup driver yet" : "but " + SYSTEMD_ABSENT)
                + "; use a cgroupfs path (/a/b), e.g. SystemdCgroup = false in the runtime's options";
    }

    /**
     * Resolves a spec's cgroupsPath:
     * <ul>
     *   <li>null or empty: {@code /libcontainer-j/<containerId>};</li>
     *   <li>absolute ({@code /a/b}): below the root of each hierarchy;</li>
     *   <li>relative ({@code a/b}): also below the root of each hierarchy. runc puts relative paths
     *       below the runtime's own cgroup instead; we do not, because the caller (a shim) usually sits
     *       in a leaf cgroup that, on v2, may not have children with controllers ("no internal
     *       processes"), and because the result should not depend on who calls us;</li>
     *   <li>systemd form ({@code slice:prefix:name}): rejected, saying whether systemd runs at all (there is
     *       no systemd driver yet).</li>
     * </ul>
     * ".." components are rejected so that a path cannot leave the hierarchy.
     */
    public static String resolve(String cgroupsPath, String containerId) throws CgroupException {
        if (cgroupsPath == null || cgroupsPath.isEmpty()) {
            if (containerId == null || containerId.isEmpty() || containerId.contains("/")
                    || containerId.equals(".") || containerId.equals("..")) {
                throw new CgroupException("container id \"" + containerId + "\" cannot be used as a cgroup name");
            }
            return DEFAULT_PARENT + "/" + containerId;
        }
        if (!cgroupsPath.startsWith("/") && cgroupsPath.contains(":")) {
            throw new CgroupException(systemdPathRefusal(cgroupsPath, systemdRunning()));
        }
        List<String> parts = new ArrayList<>();
        for (String part : cgroupsPath.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                throw new CgroupException("cgroup path \"" + cgroupsPath + "\" must not contain \"..\"");
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            throw new CgroupException("cgroup path \"" + cgroupsPath + "\" is the root cgroup; a container needs its own");
        }
        return "/" + String.join("/", parts);
    }
}
