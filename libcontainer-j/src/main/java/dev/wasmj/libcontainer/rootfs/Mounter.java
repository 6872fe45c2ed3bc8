package dev.wasmj.libcontainer.rootfs;

import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Mounts the spec's mounts into the rootfs, from inside the container's mount namespace. */
public final class Mounter {
    private final Syscalls sys;
    private final Path rootfs;
    private final String cgroup2Path;

    public Mounter(Syscalls sys, Path rootfs) {
        this(sys, rootfs, null);
    }

    /** @param cgroup2Path the container's cgroup on the cgroup2 hierarchy when the init is not in it yet, or null */
    public Mounter(Syscalls sys, Path rootfs, String cgroup2Path) {
        this.sys = sys;
        this.rootfs = rootfs;
        this.cgroup2Path = cgroup2Path;
    }

    public void mount(MountEntry m) throws IOException {
        Path target = SafePath.resolve(rootfs, m.destination());
        if ("cgroup".equals(m.type()) || "cgroup2".equals(m.type())) {
            createDirectory(target);
            new CgroupMount(sys, cgroup2Path).mount(target, m.flags());
        } else if (m.isBind()) {
            bind(m, target);
        } else {
            createDirectory(target);
            mountFilesystem(m, target);
        }
        if (m.propagation() != 0) sys.mount(null, target.toString(), null, m.propagation(), null);
    }

    private void bind(MountEntry m, Path target) throws IOException {
        Path source = Path.of(m.source());
        if (!Files.exists(source)) {
            // Neither exists nor is known not to: a directory on the way that the container's root may not search
            // (in a user namespace it is an unprivileged uid of the host).
            String why = Files.notExists(source) ? "does not exist"
                    : "cannot be reached (a directory on its path is not searchable by the container's root)";
            throw new IOException("mount " + m.destination() + ": bind source " + source + " " + why);
        }
        if (Files.isDirectory(source)) {
            createDirectory(target);
        } else if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(target.getParent());
            Files.createFile(target);
        }
        long bindFlags = MountFlags.BIND | (m.flags() & MountFlags.REC);
        sys.mount(m.source(), target.toString(), null, bindFlags, null);
        // A bind mount ignores every other flag: they take a remount.
        long rest = m.flags() & ~(MountFlags.BIND | MountFlags.REC | MountFlags.REMOUNT);
        if (rest != 0) {
            sys.mount(null, target.toString(), null, MountFlags.REMOUNT | MountFlags.BIND | rest, null);
        }
    }

    private void mountFilesystem(MountEntry m, Path target) {
        try {
            sys.mount(m.source(), target.toString(), m.type(), m.flags(), m.data());
        } catch (SyscallException e) {
            // Without a network namespace of its own the container may not mount sysfs, nor mqueue without
            // an ipc namespace: runc binds the host's instead, read-only for sysfs.
            if (e.errno() == Errno.EPERM && "sysfs".equals(m.type())) {
                sys.mount("/sys", target.toString(), null, MountFlags.BIND | MountFlags.REC, null);
                sys.mount(null, target.toString(), null,
                        MountFlags.REMOUNT | MountFlags.BIND | MountFlags.RDONLY | (m.flags() & ~MountFlags.RDONLY), null);
            } else if (e.errno() == Errno.EPERM && "mqueue".equals(m.type())) {
                sys.mount("/dev/mqueue", target.toString(), null, MountFlags.BIND, null);
            } else {
                throw e;
            }
        }
    }

    private static void createDirectory(Path target) throws IOException {
        if (!Files.isDirectory(target)) Files.createDirectories(target);
    }
}
