package dev.wasmj.libcontainer.syscall;

/** Namespace flags of clone(2), unshare(2) and setns(2). */
public final class CloneFlags {
    public static final int NEWTIME = 0x00000080;
    /** Not a namespace: unshare(CLONE_FS) gives a thread its own root, cwd and umask, and lets it setns(mnt). */
    public static final int FS = 0x00000200;
    public static final int NEWNS = 0x00020000;
    public static final int NEWCGROUP = 0x02000000;
    public static final int NEWUTS = 0x04000000;
    public static final int NEWIPC = 0x08000000;
    public static final int NEWUSER = 0x10000000;
    public static final int NEWPID = 0x20000000;
    public static final int NEWNET = 0x40000000;

    private CloneFlags() {}
}
