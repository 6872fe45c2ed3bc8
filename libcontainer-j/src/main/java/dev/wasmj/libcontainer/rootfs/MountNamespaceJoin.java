package dev.wasmj.libcontainer.rootfs;

import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;

/**
 * Joins an existing mount namespace from the init's main thread, in place of pivot_root: the container then
 * sees that namespace's files, from its root. The init JVM could not have been exec'd inside it (there is no
 * JDK there), so it starts in the runtime's and moves here once it has opened everything it needs. The JVM's
 * threads share one fs_struct, which the kernel will not move into another mount namespace: the main thread
 * takes its own first (unshare(CLONE_FS)), and only it moves. A native program's execve from this thread
 * then runs in the joined namespace, and takes the other threads with it.
 */
public final class MountNamespaceJoin {
    private final Syscalls sys;

    public MountNamespaceJoin(Syscalls sys) {
        this.sys = sys;
    }

    public void join(String path) {
        int fd = sys.open(path, OpenFlags.RDONLY, 0);
        try {
            sys.unshare(CloneFlags.FS);
            sys.setns(fd, CloneFlags.NEWNS);
        } finally {
            sys.close(fd);
        }
        sys.chdir("/");
    }
}
