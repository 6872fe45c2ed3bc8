package dev.wasmj.libcontainer.rootfs;

import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec's "cgroup" mount: the container must see its own cgroup as the root of each hierarchy.
 * Inside a cgroup namespace a fresh mount does that by itself; without one (runc's default spec has none)
 * a fresh mount would show the host's whole tree, so the container's own directory is bound instead.
 * Pure v2 hosts get one cgroup2 mount; v1 and hybrid hosts a tmpfs with one mount per hierarchy (and
 * "unified" for the v2 one), as runc does.
 */
final class CgroupMount {
    private final Syscalls sys;
    private final String cgroup2Path;

    /** @param cgroup2Path the container's cgroup on the cgroup2 hierarchy, when this process is not in it yet; or null */
    CgroupMount(Syscalls sys, String cgroup2Path) {
        this.sys = sys;
        this.cgroup2Path = cgroup2Path;
    }

    /** A cgroup hierarchy of the host: file system type, mount point and its name under /sys/fs/cgroup, controllers. */
    record Hierarchy(String fsType, String mountPoint, String name, String controllers) {}

    void mount(Path target, long flags) throws IOException {
        long base = flags & (MountFlags.RDONLY | MountFlags.NOSUID | MountFlags.NODEV | MountFlags.NOEXEC
                | MountFlags.RELATIME);
        List<Hierarchy> hierarchies = hostHierarchies(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        Map<String, String> own = ownCgroups(Files.readAllLines(Path.of("/proc/self/cgroup")));
        // A claimed init of a hybrid host joins the container's cgroup2 cgroup only after its plan (InitStarter).
        if (cgroup2Path != null) own.put("", cgroup2Path);
        boolean pureV2 = hierarchies.size() == 1 && hierarchies.get(0).fsType().equals("cgroup2");
        if (pureV2) {
            mountHierarchy(hierarchies.get(0), own, target, base);
            return;
        }
        sys.mount("tmpfs", target.toString(), "tmpfs", base & ~MountFlags.RDONLY, "mode=755");
        for (Hierarchy h : hierarchies) {
            Path dir = target.resolve(h.name());
            Files.createDirectories(dir);
            mountHierarchy(h, own, dir, base);
        }
        if ((base & MountFlags.RDONLY) != 0) {
            sys.mount(null, target.toString(), null, MountFlags.REMOUNT | base, "mode=755");
        }
    }

    private void mountHierarchy(Hierarchy h, Map<String, String> own, Path dir, long base) {
        String path = own.getOrDefault(h.fsType().equals("cgroup2") ? "" : h.controllers(), "/");
        if (path.equals("/")) {
            // The namespace's root (or the host's, for a process in the root cgroup): a fresh mount shows it.
            sys.mount("cgroup", dir.toString(), h.fsType(), base, h.fsType().equals("cgroup2") ? null : h.controllers());
        } else {
            sys.mount(h.mountPoint() + path, dir.toString(), null, MountFlags.BIND, null);
            sys.mount(null, dir.toString(), null, MountFlags.REMOUNT | MountFlags.BIND | base, null);
        }
    }

    /** The cgroup mounts under /sys/fs/cgroup in mountinfo text. */
    static List<Hierarchy> hostHierarchies(List<String> mountinfo) {
        List<Hierarchy> out = new ArrayList<>();
        for (String line : mountinfo) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) continue;
            String[] left = halves[0].split(" ");
            String[] right = halves[1].split(" ");
            if (left.length < 5 || right.length < 3) continue;
            String fsType = right[0];
            String mountPoint = left[4];
            if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) continue;
            if (!mountPoint.startsWith("/sys/fs/cgroup")) continue;
            String name = mountPoint.equals("/sys/fs/cgroup") ? "" : Path.of(mountPoint).getFileName().toString();
            List<String> controllers = new ArrayList<>();
            for (String opt : right[2].split(",")) {
                if (!isHierarchyOption(opt)) controllers.add(opt);
            }
            out.add(new Hierarchy(fsType, mountPoint, name, fsType.equals("cgroup2") ? "" : String.join(",", controllers)));
        }
        return out;
    }

    /**
     * The super options of a cgroup mount that are not controllers (kernel cgroup1_show_options and
     * cgroup2's): systemd mounts its hierarchy "rw,xattr,name=systemd", and /proc/self/cgroup names it
     * "name=systemd" only.
     */
    private static boolean isHierarchyOption(String opt) {
        return opt.equals("rw") || opt.equals("ro") || opt.equals("noprefix") || opt.equals("xattr")
                || opt.equals("cpuset_v2_mode") || opt.equals("favordynmods") || opt.equals("clone_children")
                || opt.startsWith("release_agent=") || opt.startsWith("nsdelegate") || opt.startsWith("memory_")
                || opt.startsWith("pids_");
    }

    /** controllers -> this process's cgroup path, from /proc/self/cgroup ("" is the v2 hierarchy). */
    static Map<String, String> ownCgroups(List<String> procSelfCgroup) {
        Map<String, String> out = new HashMap<>();
        for (String line : procSelfCgroup) {
            String[] f = line.split(":", 3);
            if (f.length == 3) out.put(f[1], f[2]);
        }
        return out;
    }
}
