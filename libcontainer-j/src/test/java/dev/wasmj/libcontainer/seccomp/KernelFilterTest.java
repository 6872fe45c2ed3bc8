package dev.wasmj.libcontainer.seccomp;

import static dev.wasmj.libcontainer.seccomp.Profiles.arg;
import static dev.wasmj.libcontainer.seccomp.Profiles.errno;
import static dev.wasmj.libcontainer.seccomp.Profiles.masked;
import static dev.wasmj.libcontainer.seccomp.Profiles.profile;
import static dev.wasmj.libcontainer.seccomp.Profiles.rule;
import static dev.wasmj.libcontainer.seccomp.Profiles.withArgs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.oci.runtime.LinuxSeccomp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled filters on the real kernel. Installing one is irreversible, so it happens in a small C program
 * built here with gcc: it reads the filter bytes, sets no_new_privs, calls seccomp(SECCOMP_SET_MODE_FILTER),
 * then makes the syscalls it is asked for and prints {@code op result errno} for each.
 */
class KernelFilterTest {
    private static final int SIGSYS_EXIT = 128 + 31; // how Process reports death by SIGSYS
    private static final int SIGSEGV_EXIT = 128 + 11;
    private static final int EPERM = 1;
    private static final int E2BIG = 7;
    private static final int EACCES = 13;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;

    private static final String HELPER_C = """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <fcntl.h>
            #include <linux/filter.h>
            #include <linux/seccomp.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/prctl.h>
            #include <sys/resource.h>
            #include <sys/syscall.h>
            #include <unistd.h>

            /* usage: helper FILTER FLAGS DIR OP... */
            static pid_t self;

            static void say(const char *op, long ret, int err) {
                char line[200];
                int n = snprintf(line, sizeof line, "%s %ld %d\\n", op, ret, err);
                syscall(SYS_write, 1, line, (size_t)n); /* the only output syscall: the profiles allow it */
            }

            static long run(const char *op, const char *dir) {
                if (!strcmp(op, "getpid")) return syscall(SYS_getpid);
                if (!strcmp(op, "getppid")) return syscall(SYS_getppid);
                if (!strcmp(op, "mkdirat")) return syscall(SYS_mkdirat, AT_FDCWD, dir, 0700);
                if (!strcmp(op, "umount2")) return syscall(SYS_umount2, "/nonexistent-seccomp-test", 0);
                if (!strcmp(op, "umask22")) return syscall(SYS_umask, 0x22UL);
                if (!strcmp(op, "umask77")) return syscall(SYS_umask, 0x77UL);
                if (!strcmp(op, "umaskhigh")) return syscall(SYS_umask, 0x100000022UL);
                if (!strcmp(op, "prio")) return syscall(SYS_getpriority, 0UL, 0UL);
                if (!strcmp(op, "priohigh")) return syscall(SYS_getpriority, 0UL, 0x100000000UL);
                if (!strcmp(op, "kill0")) return syscall(SYS_kill, (long)self, 0UL);
                if (!strcmp(op, "kill256")) return syscall(SYS_kill, (long)self, 256UL);
                if (!strcmp(op, "killhigh")) return syscall(SYS_kill, (long)self, 0x100000000UL);
                if (!strcmp(op, "kill15")) return syscall(SYS_kill, (long)self, 15UL);
                if (!strcmp(op, "minus1")) return syscall(-1L);
                if (!strcmp(op, "yield")) return syscall(SYS_sched_yield);
                if (!strcmp(op, "times")) return syscall(SYS_times, NULL);
                if (!strcmp(op, "getpgid")) return syscall(SYS_getpgid, 0);
            #ifdef __x86_64__
                if (!strcmp(op, "x32getpid")) return syscall(0x40000000L | SYS_getpid);
                if (!strcmp(op, "int80getpid")) { /* i386 getpid is 20 */
                    long r;
                    __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
                    if (r < 0 && r > -4096) { errno = (int)-r; return -1; }
                    return r;
                }
            #endif
                say("unknown-op", -1, 0);
                syscall(SYS_exit_group, 3);
                return -1;
            }

            int main(int argc, char **argv) {
                static unsigned char buf[65536];
                if (argc < 4) return 64;
                self = getpid();
                int fd = open(argv[1], O_RDONLY);
                if (fd < 0) { perror(argv[1]); return 64; }
                size_t n = 0;
                ssize_t r;
                while ((r = read(fd, buf + n, sizeof buf - n)) > 0) n += (size_t)r;
                close(fd);
                unsigned long flags = strtoul(argv[2], NULL, 0);
                struct rlimit nocore = {0, 0};
                setrlimit(RLIMIT_CORE, &nocore); /* dying of SIGSYS would dump core */
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { say("no_new_privs", -1, errno); return 2; }
                struct sock_fprog prog = { .len = (unsigned short)(n / 8), .filter = (struct sock_filter *)buf };
                long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
                say("install", rc, rc < 0 ? errno : 0);
                if (rc != 0) return 2;
                for (int i = 4; i < argc; i++) {
                    errno = 0;
                    long ret = run(argv[i], argv[3]);
                    say(argv[i], ret, ret == -1 ? errno : 0);
                }
                syscall(SYS_exit_group, 0);
                return 0;
            }
            """;

    @TempDir
    static Path work;
    private static Path helper;
    private static final AtomicInteger RUNS = new AtomicInteger();

    static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @BeforeAll
    static void buildHelper() throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "Linux only");
        assumeTrue(gccAvailable(), "gcc is not installed");
        assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("Seccomp:"), "kernel without seccomp");
        Path source = work.resolve("seccomp-helper.c");
        Files.writeString(source, HELPER_C);
        helper = work.resolve("seccomp-helper");
        Process gcc = new ProcessBuilder("gcc", "-O1", "-Wall", "-Werror", "-o", helper.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "gcc timed out");
        assertEquals(0, gcc.exitValue(), out);
    }

    /** What the helper printed, op -> {result, errno}, and how it ended. */
    record Run(int exit, Map<String, long[]> ops, String output, Path dir) {
        long result(String op) {
            return get(op)[0];
        }

        long errno(String op) {
            return get(op)[1];
        }

        private long[] get(String op) {
            long[] r = ops.get(op);
            if (r == null) throw new AssertionError(op + " did not report: exit " + exit + "\n" + output);
            return r;
        }
    }

    private static Run run(LinuxSeccomp profile, String... ops) throws Exception {
        int n = RUNS.incrementAndGet();
        Path filter = work.resolve("filter-" + n + ".bpf");
        Files.write(filter, SeccompCompiler.compile(profile, Arch.nativeArch()));
        Path dir = work.resolve("dir-" + n);
        List<String> command = new ArrayList<>(List.of(helper.toString(), filter.toString(),
                Integer.toString(SeccompCompiler.flags(profile)), dir.toString()));
        command.addAll(List.of(ops));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "helper hangs");
        Map<String, long[]> results = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            String[] f = line.split(" ");
            if (f.length == 3) results.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        Run r = new Run(p.exitValue(), results, output, dir);
        assertEquals(0, r.result("install"), "the kernel refused the filter: " + output);
        return r;
    }

    /** Rules for syscalls that are harmless to make, on every architecture. */
    private static LinuxSeccomp kernelProfile() {
        LinuxSeccomp p = profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", "write", "exit_group", "exit", "rt_sigreturn", "getpid", "no_such_syscall",
                        "arm_fadvise64_64"),
                rule("SCMP_ACT_ERRNO", "mkdir", "mkdirat"),
                withArgs(errno(EACCES, "umask"), arg(0, "SCMP_CMP_EQ", 0x22)),
                rule("SCMP_ACT_ALLOW", "umask"),
                withArgs(errno(E2BIG, "getpriority"), arg(1, "SCMP_CMP_GT", 0xffffffffL)),
                rule("SCMP_ACT_ALLOW", "getpriority"),
                withArgs(rule("SCMP_ACT_ALLOW", "kill"), masked(1, 0xff, 0)),
                rule("SCMP_ACT_KILL_PROCESS", "sched_yield"),
                rule("SCMP_ACT_TRAP", "times"),
                rule("SCMP_ACT_KILL", "getpgid"));
        p.setDefaultErrnoRet(EOPNOTSUPP);
        p.setArchitectures(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"));
        p.setFlags(List.of("SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
        return p;
    }

    @Test
    void kernelTakesTheFilterAndAppliesTheRules() throws Exception {
        Run r = run(kernelProfile(), "getpid", "getppid", "mkdirat", "umask22", "umask77", "umaskhigh", "prio",
                "priohigh", "kill0", "kill256", "killhigh", "kill15", "minus1");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.result("getpid") > 0, r.output());
        assertEquals(EOPNOTSUPP, r.errno("getppid"), "not listed: the default errno");
        assertEquals(EPERM, r.errno("mkdirat"), "ERRNO without errnoRet is EPERM");
        assertFalse(Files.exists(r.dir()));
        assertEquals(EACCES, r.errno("umask22"), "arg EQ matched: the first umask rule");
        assertEquals(0, r.errno("umask77"), "arg EQ did not match: the second umask rule allows");
        assertEquals(0, r.errno("umaskhigh"), "0x1_00000022 is not 0x22: the high word counts");
        assertEquals(0, r.errno("prio"), r.output());
        assertEquals(E2BIG, r.errno("priohigh"), "who = 2^32 > 0xffffffff");
        assertEquals(0, r.errno("kill0"));
        assertEquals(EINVAL, r.errno("kill256"), "(256 & 0xff) == 0: allowed, then the kernel refuses signal 256");
        assertEquals(0, r.errno("killhigh"), "mask 0xff ignores the high word");
        assertEquals(EOPNOTSUPP, r.errno("kill15"), "(15 & 0xff) != 0: default");
        assertEquals(EOPNOTSUPP, r.errno("minus1"), "nr -1 goes through the rules to the default");
    }

    @Test
    void killAndTrapEndTheProcessWithSigsys() throws Exception {
        for (String fatal : new String[] {"yield", "times", "getpgid"}) {
            Run r = run(kernelProfile(), "getpid", fatal);
            assertEquals(SIGSYS_EXIT, r.exit(), fatal + ": " + r.output());
            assertTrue(r.result("getpid") > 0, r.output());
            assertFalse(r.ops().containsKey(fatal), fatal + " returned: " + r.output());
        }
    }

    @Test
    void x32SyscallsAreKilled() throws Exception {
        assumeTrue(Arch.nativeArch() == Arch.X86_64, "x86_64 only");
        Run r = run(kernelProfile(), "getpid", "x32getpid");
        assertEquals(SIGSYS_EXIT, r.exit(), r.output());
    }

    @Test
    void i386SyscallsAreKilled() throws Exception {
        assumeTrue(Arch.nativeArch() == Arch.X86_64, "x86_64 only");
        Run r = run(kernelProfile(), "getpid", "int80getpid");
        assumeFalse(r.exit() == SIGSEGV_EXIT, "this kernel has no i386 emulation");
        assertEquals(SIGSYS_EXIT, r.exit(), r.output());
    }

    @Test
    void defaultAllowLetsForeignAbisThrough() throws Exception {
        LinuxSeccomp p = profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_ERRNO", "getppid"));
        p.setFlags(List.of("SECCOMP_FILTER_FLAG_LOG")); // logs all but ALLOW: here, one line for getppid
        List<String> ops = new ArrayList<>(List.of("getpid", "getppid"));
        if (Arch.nativeArch() == Arch.X86_64) ops.add("x32getpid");
        Run r = run(p, ops.toArray(String[]::new));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.result("getpid") > 0, r.output());
        assertEquals(EPERM, r.errno("getppid"));
        if (Arch.nativeArch() == Arch.X86_64) {
            long e = r.errno("x32getpid");
            assertTrue(e == 0 || e == ENOSYS, "passed the filter; the kernel may lack x32: " + r.output());
        }
    }

    @Test
    void dockerLikeProfileLetsAProcessRun() throws Exception {
        Run r = run(Profiles.dockerLike(), "getpid", "mkdirat", "umount2", "prio");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.result("getpid") > 0);
        assertEquals(0, r.errno("mkdirat"), r.output());
        assertTrue(Files.isDirectory(r.dir()));
        assertEquals(EPERM, r.errno("umount2"), "not in the allow list");
        assertEquals(0, r.errno("prio"));
    }
}
