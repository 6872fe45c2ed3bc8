package dev.wasmj.libcontainer.seccomp;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The architectures the seccomp compiler knows: the AUDIT_ARCH value the kernel puts in
 * {@code seccomp_data.arch} for a native syscall, and the syscall table.
 */
public enum Arch {
    /** AUDIT_ARCH_X86_64 = EM_X86_64 (62) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
    X86_64(0xC000003E, "syscalls-x86_64.txt", true),
    /** AUDIT_ARCH_AARCH64 = EM_AARCH64 (183) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
    AARCH64(0xC00000B7, "syscalls-aarch64.txt", false);

    /** x32 syscalls arrive with AUDIT_ARCH_X86_64 but this bit set in the number (__X32_SYSCALL_BIT). */
    static final int X32_SYSCALL_BIT = 0x40000000;

    private final int auditArch;
    private final String tableResource;
    private final boolean hasX32;
    private volatile SyscallTable table;

    Arch(int auditArch, String tableResource, boolean hasX32) {
        this.auditArch = auditArch;
        this.tableResource = tableResource;
        this.hasX32 = hasX32;
    }

    /**
     * The architecture of this JVM, from {@code os.arch}. (Named nativeArch because {@code native} is a Java
     * keyword.)
     */
    public static Arch nativeArch() {
        return fromOsArch(System.getProperty("os.arch", ""));
    }

    /** amd64/x86_64 and aarch64/arm64; anything else is refused with a SeccompException. */
    public static Arch fromOsArch(String osArch) {
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return X86_64;
            case "aarch64":
            case "arm64":
                return AARCH64;
            default:
                throw new SeccompException("linux.seccomp: architecture \"" + osArch + "\" is not supported yet");
        }
    }

    /** The AUDIT_ARCH_* value of a native syscall. */
    public int auditArch() {
        return auditArch;
    }

    /** Whether the x32 ABI shares this architecture's AUDIT_ARCH (and so must be told apart by number). */
    boolean hasX32() {
        return hasX32;
    }

    /** The number of a syscall on this architecture, or empty if this architecture has no such syscall. */
    public OptionalInt syscallNumber(String name) {
        return table().number(name);
    }

    /** The whole table, name to number. */
    public Map<String, Integer> syscalls() {
        return table().asMap();
    }

    private SyscallTable table() {
        SyscallTable t = table;
        if (t == null) {
            t = SyscallTable.load(tableResource);
            table = t;
        }
        return t;
    }
}
