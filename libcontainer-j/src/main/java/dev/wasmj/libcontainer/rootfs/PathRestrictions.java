package dev.wasmj.libcontainer.rootfs;

import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/** Masked paths, read-only paths and a read-only root; applied after pivot_root, on container paths. */
public final class PathRestrictions {
    private final Syscalls sys;

    public PathRestrictions(Syscalls sys) {
        this.sys = sys;
    }

    /** A masked directory shows as empty and read-only; a masked file reads as /dev/null. */
    public void mask(List<String> paths) {
        for (String path : paths) {
            Path p = Path.of(path);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                sys.mount("tmpfs", path, "tmpfs", MountFlags.RDONLY, null);
            } else {
                sys.mount("/dev/null", path, null, MountFlags.BIND, null);
            }
        }
    }

    public void makeReadonly(List<String> paths) {
        for (String path : paths) {
            if (!Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)) continue;
            sys.mount(path, path, null, MountFlags.BIND | MountFlags.REC, null);
            remountReadonly(path, MountFlags.REC);
        }
    }

    public void makeRootReadonly() {
        remountReadonly("/", 0);
    }

    private void remountReadonly(String path, long extra) {
        long flags = MountFlags.REMOUNT | MountFlags.BIND | MountFlags.RDONLY | extra;
        try {
            sys.mount(null, path, null, flags, null);
        } catch (SyscallException e) {
            // A mount that carries locked flags (nosuid, nodev, noexec) refuses a remount that drops them.
            if (e.errno() != Errno.EPERM) throw e;
            sys.mount(null, path, null, flags | MountFlags.NOSUID | MountFlags.NODEV | MountFlags.NOEXEC, null);
        }
    }
}
