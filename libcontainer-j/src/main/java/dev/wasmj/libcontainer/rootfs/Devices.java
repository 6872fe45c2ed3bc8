package dev.wasmj.libcontainer.rootfs;

import dev.wasmj.libcontainer.process.InitPlan.DeviceEntry;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The container's /dev: the spec's device nodes, the defaults every container gets, and the usual links. */
public final class Devices {
    /** The devices the OCI spec says every Linux container has. */
    public static final List<DeviceEntry> DEFAULTS = List.of(
            new DeviceEntry("/dev/null", 'c', 1, 3, 0666, 0, 0),
            new DeviceEntry("/dev/zero", 'c', 1, 5, 0666, 0, 0),
            new DeviceEntry("/dev/full", 'c', 1, 7, 0666, 0, 0),
            new DeviceEntry("/dev/random", 'c', 1, 8, 0666, 0, 0),
            new DeviceEntry("/dev/urandom", 'c', 1, 9, 0666, 0, 0),
            new DeviceEntry("/dev/tty", 'c', 5, 0, 0666, 0, 0));

    private static final Map<String, String> LINKS = Map.of(
            "/dev/fd", "/proc/self/fd",
            "/dev/stdin", "/proc/self/fd/0",
            "/dev/stdout", "/proc/self/fd/1",
            "/dev/stderr", "/proc/self/fd/2");

    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;

    private final Syscalls sys;
    private final Path rootfs;

    public Devices(Syscalls sys, Path rootfs) {
        this.sys = sys;
        this.rootfs = rootfs;
    }

    public void create(List<DeviceEntry> devices) throws IOException {
        for (DeviceEntry d : devices) createNode(d);
        createLinks();
    }

    private void createNode(DeviceEntry d) throws IOException {
        Path target = SafePath.resolve(rootfs, d.path());
        Files.createDirectories(target.getParent());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) Files.delete(target);
        int type = switch (d.type()) {
            case 'b' -> S_IFBLK;
            case 'p' -> S_IFIFO;
            default -> S_IFCHR;
        };
        try {
            sys.mknod(target.toString(), type | (d.fileMode() & 07777), d.major(), d.minor());
        } catch (SyscallException e) {
            if (e.errno() != Errno.EPERM) throw e;
            // No CAP_MKNOD (e.g. a restricted runtime): bind the host's node instead, as runc does.
            Files.createFile(target);
            sys.mount(d.path(), target.toString(), null, MountFlags.BIND, null);
            return;
        }
        Files.setPosixFilePermissions(target, permissions(d.fileMode()));
        Files.setAttribute(target, "unix:uid", d.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", d.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    private void createLinks() throws IOException {
        for (Map.Entry<String, String> link : LINKS.entrySet()) symlink(link.getKey(), link.getValue());
        if (Files.exists(rootfs.resolve("dev/pts/ptmx"), LinkOption.NOFOLLOW_LINKS)) symlink("/dev/ptmx", "pts/ptmx");
        if (Files.exists(Path.of("/proc/kcore"))) symlink("/dev/core", "/proc/kcore");
    }

    private void symlink(String path, String target) throws IOException {
        Path link = rootfs.resolve(path.substring(1));
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) Files.delete(link);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(target));
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) set.add(order[bit]);
        }
        return set;
    }
}
