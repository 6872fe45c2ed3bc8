package dev.wasmj.libcontainer.seccomp;

import static dev.wasmj.libcontainer.seccomp.Profiles.AUDIT_ARCH_AARCH64;
import static dev.wasmj.libcontainer.seccomp.Profiles.AUDIT_ARCH_ARM;
import static dev.wasmj.libcontainer.seccomp.Profiles.AUDIT_ARCH_I386;
import static dev.wasmj.libcontainer.seccomp.Profiles.AUDIT_ARCH_X86_64;
import static dev.wasmj.libcontainer.seccomp.Profiles.RET_ALLOW;
import static dev.wasmj.libcontainer.seccomp.Profiles.RET_ERRNO;
import static dev.wasmj.libcontainer.seccomp.Profiles.RET_KILL_PROCESS;
import static dev.wasmj.libcontainer.seccomp.Profiles.RET_KILL_THREAD;
import static dev.wasmj.libcontainer.seccomp.Profiles.RET_LOG;
import static dev.wasmj.libcontainer.seccomp.Profiles.RET_TRACE;
import static dev.wasmj.libcontainer.seccomp.Profiles.RET_TRAP;
import static dev.wasmj.libcontainer.seccomp.Profiles.arg;
import static dev.wasmj.libcontainer.seccomp.Profiles.errno;
import static dev.wasmj.libcontainer.seccomp.Profiles.masked;
import static dev.wasmj.libcontainer.seccomp.Profiles.profile;
import static dev.wasmj.libcontainer.seccomp.Profiles.rule;
import static dev.wasmj.libcontainer.seccomp.Profiles.withArgs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.oci.runtime.LinuxSeccomp;
import dev.wasmj.oci.runtime.LinuxSeccompArg;
import dev.wasmj.oci.runtime.LinuxSyscall;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compiled filter, run in {@link BpfInterpreter} on synthetic seccomp_data. */
class FilterSemanticsTest {
    // x86_64 numbers
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int OPEN = 2;
    private static final int GETPID = 39;
    private static final int MKDIR = 83;
    private static final int EXECVE = 59;
    private static final int OPENAT = 257;
    private static final int X32 = 0x40000000;
    private static final int EPERM = 1;

    private static BpfInterpreter x86(LinuxSeccomp p) {
        return new BpfInterpreter(SeccompCompiler.compile(p, Arch.X86_64));
    }

    private static int call(BpfInterpreter f, int nr, long... args) {
        return f.run(nr, AUDIT_ARCH_X86_64, args);
    }

    @Test
    void syscallsNewerThanTheProfileGetEnosysNotTheDefault() {
        BpfInterpreter f = x86(profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "read", "openat")));
        assertEquals(RET_ALLOW, call(f, OPENAT));
        assertEquals(RET_ERRNO | EPERM, call(f, GETPID), "named range: the default");
        assertEquals(RET_ERRNO | EPERM, call(f, 435), "clone3 is in the tables: the default");
        assertEquals(RET_ERRNO | 38, call(f, 451), "newer than the tables: ENOSYS");
        assertEquals(RET_ERRNO | EPERM, call(f, -1), "a tracer's skipped call is not a new syscall");
        BpfInterpreter allowList = x86(profile("SCMP_ACT_ALLOW", errno(13, "mkdir")));
        assertEquals(RET_ALLOW, call(allowList, 451), "a deny-list profile allows what it does not name");
    }

    @Test
    void allowedDeniedAndDefault() {
        BpfInterpreter f = x86(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "read", "write", "getpid"),
                errno(13, "mkdir"),
                rule("SCMP_ACT_KILL_PROCESS", "execve")));
        assertEquals(RET_ALLOW, call(f, READ));
        assertEquals(RET_ALLOW, call(f, WRITE));
        assertEquals(RET_ALLOW, call(f, GETPID));
        assertEquals(RET_ERRNO | 13, call(f, MKDIR));
        assertEquals(RET_KILL_PROCESS, call(f, EXECVE));
        assertEquals(RET_ERRNO | EPERM, call(f, OPENAT), "default errno is EPERM");
        assertEquals(RET_ERRNO | 38, call(f, 100_000), "no such syscall here: ENOSYS");
    }

    @Test
    void everyAction() {
        LinuxSyscall trace = rule("SCMP_ACT_TRACE", "mkdir");
        trace.setErrnoRet(77);
        BpfInterpreter f = x86(profile("SCMP_ACT_LOG",
                rule("SCMP_ACT_KILL", "read"),
                rule("SCMP_ACT_KILL_THREAD", "write"),
                rule("SCMP_ACT_KILL_PROCESS", "open"),
                rule("SCMP_ACT_TRAP", "getpid"),
                trace,
                rule("SCMP_ACT_TRACE", "execve"),
                rule("SCMP_ACT_ALLOW", "openat")));
        assertEquals(RET_KILL_THREAD, call(f, READ));
        assertEquals(RET_KILL_THREAD, call(f, WRITE));
        assertEquals(RET_KILL_PROCESS, call(f, OPEN));
        assertEquals(RET_TRAP, call(f, GETPID));
        assertEquals(RET_TRACE | 77, call(f, MKDIR));
        assertEquals(RET_TRACE | EPERM, call(f, EXECVE), "TRACE without errnoRet: EPERM, as runc");
        assertEquals(RET_ALLOW, call(f, OPENAT));
        assertEquals(RET_LOG, call(f, 100));
    }

    @Test
    void defaultErrnoRetAndErrnoRetOnOtherActionsIgnored() {
        LinuxSyscall allow = rule("SCMP_ACT_ALLOW", "read");
        allow.setErrnoRet(5); // runc ignores it on actions without data
        LinuxSeccomp p = profile("SCMP_ACT_ERRNO", allow, errno(0, "write"));
        p.setDefaultErrnoRet(38);
        BpfInterpreter f = x86(p);
        assertEquals(RET_ALLOW, call(f, READ));
        assertEquals(RET_ERRNO, call(f, WRITE), "errnoRet 0 is kept, not replaced by EPERM");
        assertEquals(RET_ERRNO | 38, call(f, OPENAT));
    }

    @Test
    void unknownNamesAreSkipped() {
        BpfInterpreter f = x86(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "no_such_syscall", "read", "arm_fadvise64_64", "fcntl64"),
                rule("SCMP_ACT_KILL", "only_unknown_names")));
        assertEquals(RET_ALLOW, call(f, READ));
        assertEquals(RET_ERRNO | EPERM, call(f, WRITE));
    }

    @Test
    void firstMatchWins() {
        BpfInterpreter f = x86(profile("SCMP_ACT_ALLOW",
                errno(1, "read"),
                rule("SCMP_ACT_ALLOW", "read", "write"),
                errno(2, "write"),
                withArgs(errno(3, "getpid"), arg(0, "SCMP_CMP_EQ", 7)),
                errno(4, "getpid")));
        assertEquals(RET_ERRNO | 1, call(f, READ));
        assertEquals(RET_ALLOW, call(f, WRITE));
        assertEquals(RET_ERRNO | 3, call(f, GETPID, 7));
        assertEquals(RET_ERRNO | 4, call(f, GETPID, 8), "a rule whose arguments do not match falls to the next");
        assertEquals(RET_ALLOW, call(f, MKDIR));
    }

    @Test
    void otherArchitecturesAreKilledUnlessTheDefaultAllows() {
        LinuxSeccomp p = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "read", "getpid"));
        p.setArchitectures(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
        BpfInterpreter f = x86(p);
        assertEquals(RET_ALLOW, call(f, READ));
        assertEquals(RET_KILL_PROCESS, f.run(READ, AUDIT_ARCH_I386), "i386 via int 0x80");
        assertEquals(RET_KILL_PROCESS, f.run(20, AUDIT_ARCH_I386));
        assertEquals(RET_KILL_PROCESS, f.run(READ, AUDIT_ARCH_AARCH64));
        assertEquals(RET_KILL_PROCESS, call(f, X32 | GETPID), "x32 getpid");
        assertEquals(RET_KILL_PROCESS, call(f, X32 | 512));
        assertEquals(RET_KILL_PROCESS, call(f, 0x7fffffff));
        assertEquals(RET_ERRNO | EPERM, call(f, -1), "-1 (a tracer's skipped syscall) is not x32");
        assertEquals(RET_ERRNO | EPERM, call(f, 0x80000000), "bit 30 clear: not x32, just unknown");

        BpfInterpreter allowAll = x86(profile("SCMP_ACT_ALLOW", errno(1, "getpid")));
        assertEquals(RET_ERRNO | 1, call(allowAll, GETPID));
        assertEquals(RET_ALLOW, allowAll.run(GETPID, AUDIT_ARCH_I386), "default ALLOW: foreign ABI falls to it");
        assertEquals(RET_ALLOW, call(allowAll, X32 | GETPID));
    }

    @Test
    void aarch64ChecksItsOwnArchAndNumbers() {
        BpfInterpreter f = new BpfInterpreter(SeccompCompiler.compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "read", "openat", "open"),
                withArgs(errno(9, "write"), arg(0, "SCMP_CMP_GT", 2))), Arch.AARCH64));
        assertEquals(RET_ALLOW, f.run(63, AUDIT_ARCH_AARCH64));
        assertEquals(RET_ALLOW, f.run(56, AUDIT_ARCH_AARCH64));
        assertEquals(RET_ERRNO | 9, f.run(64, AUDIT_ARCH_AARCH64, 3));
        assertEquals(RET_ERRNO | 1, f.run(64, AUDIT_ARCH_AARCH64, 2));
        assertEquals(RET_ERRNO | 1, f.run(0, AUDIT_ARCH_AARCH64), "0 is io_setup here, not read");
        assertEquals(RET_KILL_PROCESS, f.run(3, AUDIT_ARCH_ARM), "aarch32 compat");
        assertEquals(RET_KILL_PROCESS, f.run(63, AUDIT_ARCH_X86_64));
        assertEquals(RET_ERRNO | 1, f.run(X32 | 63, AUDIT_ARCH_AARCH64), "no x32 on aarch64: just unknown");
    }

    /** Edge values of 64-bit arguments: 0, word boundaries, the sign bits, and the extremes. */
    private static final long[] EDGES = {0, 1, 2, 0x7fffffffL, 0x80000000L, 0xfffffffeL, 0xffffffffL, 0x100000000L,
            0x100000001L, 0x1fffffffeL, 0x1ffffffffL, 0x200000000L, 0x7fffffff_ffffffffL, 0x80000000_00000000L,
            0x80000000_00000001L, 0xffffffff_00000000L, 0xffffffff_fffffffeL, -1L, 0x12345678_9abcdef0L};

    /** What libseccomp's operators mean, written independently of the compiler. */
    private static boolean holds(String op, long arg, long value, long valueTwo) {
        switch (op) {
            case "SCMP_CMP_EQ": return arg == value;
            case "SCMP_CMP_NE": return arg != value;
            case "SCMP_CMP_LT": return Long.compareUnsigned(arg, value) < 0;
            case "SCMP_CMP_LE": return Long.compareUnsigned(arg, value) <= 0;
            case "SCMP_CMP_GT": return Long.compareUnsigned(arg, value) > 0;
            case "SCMP_CMP_GE": return Long.compareUnsigned(arg, value) >= 0;
            case "SCMP_CMP_MASKED_EQ": return (arg & value) == valueTwo;
            default: throw new AssertionError(op);
        }
    }

    /** Every value near an edge, and the same low word with the high word one off (and vice versa). */
    private static Set<Long> probes(long value) {
        Set<Long> probes = new LinkedHashSet<>();
        for (long e : EDGES) probes.add(e);
        for (long d : new long[] {0, 1, -1, 0x100000000L, -0x100000000L, 0x100000001L, 0xffffffffL}) {
            probes.add(value + d);
            probes.add(value - d);
        }
        return probes;
    }

    @Test
    void comparisonsAreUnsigned64Bit() {
        String[] ops = {"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT", "SCMP_CMP_GE"};
        int checked = 0;
        for (String op : ops) {
            for (long value : EDGES) {
                for (int index : new int[] {0, 3, 5}) {
                    BpfInterpreter f = x86(profile("SCMP_ACT_ERRNO",
                            withArgs(rule("SCMP_ACT_ALLOW", "read"), arg(index, op, value))));
                    for (long a : probes(value)) {
                        long[] args = new long[6];
                        args[index] = a;
                        // The other arguments must not matter.
                        for (int i = 0; i < 6; i++) if (i != index) args[i] = ~a;
                        int want = holds(op, a, value, 0) ? RET_ALLOW : RET_ERRNO | EPERM;
                        assertEquals(want, call(f, READ, args),
                                () -> op + " args[" + index + "]=0x" + Long.toHexString(a) + " vs 0x" + Long.toHexString(value));
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 5000, "checked " + checked);
    }

    @Test
    void maskedEqualCoversBothWords() {
        long[][] cases = {{2114060288L, 0}, {0xff, 0}, {0xff, 0x11}, {0xffffffff_00000000L, 0x00000001_00000000L},
                {0x80000000_00000001L, 0x80000000_00000000L}, {-1L, -1L}, {0, 0}, {0x0f, 0xf0}};
        for (long[] c : cases) {
            long mask = c[0];
            long want = c[1];
            BpfInterpreter f = x86(profile("SCMP_ACT_ERRNO", withArgs(rule("SCMP_ACT_ALLOW", "read"), masked(2, mask, want))));
            Set<Long> probes = probes(want);
            probes.addAll(probes(mask));
            for (long a : probes) {
                int expected = holds("SCMP_CMP_MASKED_EQ", a, mask, want) ? RET_ALLOW : RET_ERRNO | EPERM;
                assertEquals(expected, call(f, READ, 0, 0, a),
                        "(0x" + Long.toHexString(a) + " & 0x" + Long.toHexString(mask) + ") == 0x" + Long.toHexString(want));
            }
        }
    }

    @Test
    void conditionsOfOneRuleAreAnded() {
        BpfInterpreter f = x86(profile("SCMP_ACT_ERRNO",
                withArgs(rule("SCMP_ACT_ALLOW", "read", "write"),
                        arg(0, "SCMP_CMP_GE", 10), arg(0, "SCMP_CMP_LT", 20), arg(2, "SCMP_CMP_EQ", 0x1_0000_0000L))));
        assertEquals(RET_ALLOW, call(f, READ, 10, 0, 0x1_0000_0000L));
        assertEquals(RET_ALLOW, call(f, WRITE, 19, 99, 0x1_0000_0000L));
        assertEquals(RET_ERRNO | EPERM, call(f, READ, 20, 0, 0x1_0000_0000L));
        assertEquals(RET_ERRNO | EPERM, call(f, READ, 9, 0, 0x1_0000_0000L));
        assertEquals(RET_ERRNO | EPERM, call(f, READ, 15, 0, 0));
        assertEquals(RET_ERRNO | EPERM, call(f, OPENAT, 15, 0, 0x1_0000_0000L));
    }

    @Test
    void ruleAfterAnArgumentRuleSeesTheSyscallNumberAgain() {
        // The argument checks load arguments into the accumulator; the next rule must reload nr.
        BpfInterpreter f = x86(profile("SCMP_ACT_ERRNO",
                withArgs(rule("SCMP_ACT_ALLOW", "read"), arg(0, "SCMP_CMP_EQ", WRITE)),
                rule("SCMP_ACT_TRAP", "write"),
                withArgs(rule("SCMP_ACT_ALLOW", "getpid"), arg(1, "SCMP_CMP_EQ", GETPID)),
                rule("SCMP_ACT_LOG", "getpid")));
        assertEquals(RET_ERRNO | EPERM, call(f, READ, 0), "arg0 != 1: falls to default, not to the write rule");
        assertEquals(RET_ERRNO | EPERM, call(f, READ, 1 + 0x1_0000_0000L));
        assertEquals(RET_TRAP, call(f, WRITE, 0));
        assertEquals(RET_LOG, call(f, GETPID, 0, 0));
        assertEquals(RET_ALLOW, call(f, GETPID, 0, GETPID));
    }

    @Test
    void longRulesStillReachTheirTargets() {
        // Every x86_64 syscall in one rule: jumps of more than 255 instructions.
        List<String> all = new ArrayList<>(Arch.X86_64.syscalls().keySet());
        all.remove("getpid");
        LinuxSyscall big = rule("SCMP_ACT_ALLOW", all.toArray(String[]::new));
        LinuxSyscall bigWithArgs = withArgs(errno(5, all.toArray(String[]::new)), arg(1, "SCMP_CMP_EQ", 42));
        List<LinuxSeccompArg> manyArgs = new ArrayList<>();
        for (int i = 0; i < 80; i++) manyArgs.add(arg(i % 6, "SCMP_CMP_NE", 1000 + i));
        LinuxSyscall longChecks = rule("SCMP_ACT_TRAP", "getpid");
        longChecks.setArgs(manyArgs);
        BpfInterpreter f = x86(profile("SCMP_ACT_KILL_PROCESS", bigWithArgs, longChecks, big));
        assertTrue(f.length() > 3 * 255, "length " + f.length());
        for (int nr : Arch.X86_64.syscalls().values()) {
            if (nr == GETPID) continue;
            assertEquals(RET_ERRNO | 5, call(f, nr, 0, 42));
            assertEquals(RET_ALLOW, call(f, nr, 0, 43));
        }
        assertEquals(RET_TRAP, call(f, GETPID, 0, 0, 0, 0, 0, 0));
        assertEquals(RET_KILL_PROCESS, call(f, GETPID, 0, 1079, 0, 0, 0, 0), "the 80th check: args[79 % 6] != 1079");
        assertEquals(RET_KILL_PROCESS, call(f, GETPID, 1000, 0, 0, 0, 0, 0));
        assertEquals(RET_ERRNO | 38, call(f, 1000), "newer than any syscall known: ENOSYS");
    }

    @Test
    void dockerLikeProfileDecidesAsDocker() {
        BpfInterpreter f = x86(Profiles.dockerLike());
        assertTrue(f.length() < 4096);
        assertEquals(RET_ALLOW, call(f, READ));
        assertEquals(RET_ALLOW, call(f, OPENAT));
        assertEquals(RET_ERRNO | EPERM, call(f, 165), "mount");
        assertEquals(RET_ERRNO | EPERM, call(f, 321), "bpf");
        assertEquals(RET_ALLOW, call(f, 135, 0x20008), "personality(PER_LINUX32|..)");
        assertEquals(RET_ALLOW, call(f, 135, 0xffffffffL), "personality query");
        assertEquals(RET_ERRNO | EPERM, call(f, 135, 0x1_ffffffffL));
        assertEquals(RET_ERRNO | EPERM, call(f, 135, 1));
        assertEquals(RET_ALLOW, call(f, 41, 2), "socket(AF_INET)");
        assertEquals(RET_ERRNO | EPERM, call(f, 41, 40), "socket(AF_VSOCK)");
        assertEquals(RET_ALLOW, call(f, 56, 0x01200011), "clone for fork");
        assertEquals(RET_ERRNO | EPERM, call(f, 56, 0x10000000), "clone(CLONE_NEWUSER)");
        assertEquals(RET_ERRNO | 38, call(f, 435), "clone3: ENOSYS so libc falls back to clone");
        assertEquals(RET_ALLOW, call(f, 158), "arch_prctl");
        assertEquals(RET_KILL_PROCESS, f.run(3, AUDIT_ARCH_I386));
    }
}
