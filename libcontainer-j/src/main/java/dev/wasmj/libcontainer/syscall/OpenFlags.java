package dev.wasmj.libcontainer.syscall;

/** Flags of open(2) (x86_64 and aarch64 share these values). The binding always adds O_CLOEXEC. */
public final class OpenFlags {
    public static final int RDONLY = 0;
    public static final int WRONLY = 1;
    public static final int RDWR = 2;
    public static final int CREAT = 0100;
    public static final int NOCTTY = 0400;
    public static final int TRUNC = 01000;
    public static final int APPEND = 02000;
    public static final int NONBLOCK = 04000;
    public static final int DIRECTORY = 0200000;
    public static final int NOFOLLOW = 0400000;
    public static final int PATH = 010000000;

    private OpenFlags() {}
}
