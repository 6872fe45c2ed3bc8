package dev.wasmj.libcontainer.seccomp;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The system calls an init JVM makes while it runs a workload in-process (a Wasm module) under the
 * container's seccomp filter, and which of them a compiled filter denies. A JVM denied one of these does not
 * fail cleanly: a thread killed in a futex or a safepoint hangs the JVM, an errno from mmap or clone is an
 * OutOfMemoryError far from its cause. So the runtime checks the filter before the container is created and
 * refuses it naming the call, instead of starting a workload that would hang.
 *
 * <p>The list was measured: strace of every thread of init JVMs (JDK 17, wasmtime 7) from start to exit,
 * running modules that print, read and write files, grow their memory, trap, sleep and are killed: 34 distinct
 * calls, of which these are the JVM's and the engine's own (docs/security.md, "Seccomp and the init JVM").
 */
public final class JvmSyscalls {
    /** Thread-creation flags of glibc's pthread_create: what a profile's clone rule must let through. */
    static final long CLONE_THREAD_FLAGS = 0x3d0f00L;
    private static final int ENOSYS = 38;

    /**
     * The calls the JVM and wasmtime cannot do without, once the workload has started: memory, locks, signals
     * (wasmtime's traps run on an alternate stack), the module's linear memory (memfd), classes read from open
     * jars, and exit. No profile's rules look at their arguments in practice; thread creation, whose clone flags
     * they do look at, is checked apart. What the module itself calls (file I/O through WASI) is the profile's
     * business, as for a native program.
     */
    private static final List<String> NEEDED = List.of("futex", "mmap", "munmap", "mprotect", "madvise",
            "rt_sigreturn", "rt_sigprocmask", "sigaltstack", "memfd_create", "clock_nanosleep", "gettid", "getpid",
            "read", "pread64", "lseek", "write", "close", "exit", "exit_group");

    private JvmSyscalls() {}

    /** The needed calls {@code filter} (compiled for {@code arch}) does not allow, by name; empty when the JVM can live under it. */
    public static List<String> deniedBy(byte[] filter, Arch arch) {
        BpfInterpreter bpf = new BpfInterpreter(filter);
        List<String> denied = new ArrayList<>();
        for (String name : NEEDED) {
            OptionalInt nr = arch.syscallNumber(name);
            if (nr.isPresent() && !allows(bpf.run(nr.getAsInt(), arch.auditArch()))) denied.add(name);
        }
        if (!createsThreads(bpf, arch)) denied.add("clone");
        denied.sort(null);
        return denied;
    }

    /** glibc creates threads with clone3, and falls back to clone only when clone3 answers ENOSYS. */
    private static boolean createsThreads(BpfInterpreter bpf, Arch arch) {
        OptionalInt clone3 = arch.syscallNumber("clone3");
        if (clone3.isPresent()) {
            int verdict = bpf.run(clone3.getAsInt(), arch.auditArch());
            if (allows(verdict)) return true;
            if (verdict != (SeccompAction.ERRNO.ret | ENOSYS)) return false;
        }
        return allows(bpf.run(arch.syscallNumber("clone").getAsInt(), arch.auditArch(), CLONE_THREAD_FLAGS));
    }

    /** ALLOW and LOG let the call run; every other action stops it. */
    private static boolean allows(int verdict) {
        int action = verdict & 0xffff0000;
        return action == SeccompAction.ALLOW.ret || action == SeccompAction.LOG.ret;
    }
}
