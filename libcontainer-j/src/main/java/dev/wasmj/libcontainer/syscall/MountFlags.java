package dev.wasmj.libcontainer.syscall;

/** Flags of mount(2) and umount2(2). */
public final class MountFlags {
    public static final long RDONLY = 1;
    public static final long NOSUID = 2;
    public static final long NODEV = 4;
    public static final long NOEXEC = 8;
    public static final long SYNCHRONOUS = 16;
    public static final long REMOUNT = 32;
    public static final long MANDLOCK = 64;
    public static final long DIRSYNC = 128;
    public static final long NOSYMFOLLOW = 256;
    public static final long NOATIME = 1024;
    public static final long NODIRATIME = 2048;
    public static final long BIND = 4096;
    public static final long MOVE = 8192;
    public static final long REC = 16384;
    public static final long SILENT = 32768;
    public static final long UNBINDABLE = 1 << 17;
    public static final long PRIVATE = 1 << 18;
    public static final long SLAVE = 1 << 19;
    public static final long SHARED = 1 << 20;
    public static final long RELATIME = 1 << 21;
    public static final long STRICTATIME = 1 << 24;
    public static final long LAZYTIME = 1 << 25;

    /** The propagation flags: they must be applied by a mount call of their own. */
    public static final long PROPAGATION = UNBINDABLE | PRIVATE | SLAVE | SHARED;

    /** umount2: detach now, clean up when no longer busy. */
    public static final int MNT_DETACH = 2;

    private MountFlags() {}
}
