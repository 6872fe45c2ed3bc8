package dev.wasmj.libcontainer.rootfs;

import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;

/**
 * Makes the rootfs the root of the mount namespace. pivot_root(".", ".") stacks the old root on top of
 * the new one, so no put_old directory is needed in the image; the old root is made a slave first so that
 * detaching it cannot propagate to the host, then detached.
 */
public final class PivotRoot {
    private final Syscalls sys;

    public PivotRoot(Syscalls sys) {
        this.sys = sys;
    }

    public void pivot(String rootfs) {
        sys.chdir(rootfs);
        sys.pivotRoot(".", ".");
        sys.mount(null, ".", null, MountFlags.SLAVE | MountFlags.REC, null);
        sys.umount2(".", MountFlags.MNT_DETACH);
        sys.chdir("/");
    }
}
