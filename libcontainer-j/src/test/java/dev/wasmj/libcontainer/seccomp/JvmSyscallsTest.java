package dev.wasmj.libcontainer.seccomp;

import static dev.wasmj.libcontainer.seccomp.Profiles.errno;
import static dev.wasmj.libcontainer.seccomp.Profiles.profile;
import static dev.wasmj.libcontainer.seccomp.Profiles.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of the init JVM's own calls a compiled filter denies (an in-process workload is refused for any). */
class JvmSyscallsTest {
    /** What the JVM and wasmtime need, allowed the way containerd's default profile allows them. */
    private static final String[] ALLOWED = {"futex", "mmap", "munmap", "mprotect", "madvise", "rt_sigreturn",
        "rt_sigprocmask", "sigaltstack", "memfd_create", "clock_nanosleep", "gettid", "getpid", "read", "pread64",
        "lseek", "write", "close", "exit", "exit_group", "clone"};

    @Test
    void aProfileLikeContainerdsDefaultDeniesNothingTheJvmNeeds() {
        // clone3 answers ENOSYS, as in containerd's and Docker's profiles: glibc falls back to clone.
        byte[] filter = SeccompCompiler.compile(profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", ALLOWED),
                errno(38, "clone3")), Arch.X86_64);
        assertEquals(List.of(), JvmSyscalls.deniedBy(filter, Arch.X86_64));
    }

    @Test
    void theDeniedCallsAreNamedInOrder() {
        byte[] filter = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", errno(1, "futex", "sigaltstack")), Arch.X86_64);
        assertEquals(List.of("futex", "sigaltstack"), JvmSyscalls.deniedBy(filter, Arch.X86_64));
    }

    @Test
    void clone3RefusedWithAnotherErrnoThanEnosysLeavesNoWayToCreateAThread() {
        byte[] eperm = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", errno(1, "clone3")), Arch.X86_64);
        assertEquals(List.of("clone"), JvmSyscalls.deniedBy(eperm, Arch.X86_64));
        byte[] noClone = SeccompCompiler.compile(profile("SCMP_ACT_ALLOW", errno(38, "clone3"), errno(1, "clone")), Arch.X86_64);
        assertEquals(List.of("clone"), JvmSyscalls.deniedBy(noClone, Arch.X86_64));
    }

    @Test
    void aKillingDefaultDeniesEverythingNotListed() {
        byte[] filter = SeccompCompiler.compile(profile("SCMP_ACT_KILL_PROCESS", rule("SCMP_ACT_ALLOW", "futex")), Arch.AARCH64);
        List<String> denied = JvmSyscalls.deniedBy(filter, Arch.AARCH64);
        assertEquals(19, denied.size(), denied.toString()); // every needed call but futex, and thread creation
        assertEquals("clock_nanosleep", denied.get(0));
    }
}
