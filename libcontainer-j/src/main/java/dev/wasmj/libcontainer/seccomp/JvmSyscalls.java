package dev.wasmj.libcontainer.seccomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
     * The calls the JVM and wasmtime cannot do without, once the workload has started (arguments where a profile's
     * rules may look at them): memory, locks, signals (wasmtime's traps run on an alternate stack), the module's
     * linear memory (memfd), classes read from open jars, and exit. What the module itself calls (file I/O through
     * WASI) is the profile's business, as for a native program.
     */
    private static final Map<String, long[]> NEEDED = Map.ofEntries(
            Map.entry("futex", new long[0]),
            Map.entry("mmap", new long[0]),
            Map.entry("munmap", new long[0]),
            Map.entry("mprotect", new long[0]),
            Map.entry("madvise", new long[0]),
            Map.entry("rt_sigreturn", new long[0]),
            Map.entry("rt_sigprocmask", new long[0]),
            Map.entry("sigaltstack", new long[0]),
            Map.entry("memfd_create", new long[0]),
            Map.entry("clock_nanosleep", new long[0]),
            Map.entry("gettid", new long[0]),
            Map.entry("getpid", new long[0]),
            Map.entry("read", new long[0]),
            Map.entry("pread64", new long[0]),
            Map.entry("lseek", new long[0]),
            Map.entry("write", new long[0]),
            Map.entry("close", new long[0]),
            Map.entry("exit", new long[0]),
            Map.entry("exit_group", new long[0]));

    private JvmSyscalls() {}

    /** The needed calls {@code filter} (compiled for {@code arch}) does not allow, by name; empty when the JVM can live under it. */
    public static List<String> deniedBy(byte[] filter, Arch arch) {
        BpfInterpreter bpf = new BpfInterpreter(filter);
        List<String> denied = new ArrayList<>();
        for (Map.Entry<String, long[]> e : NEEDED.entrySet()) {
            OptionalInt nr = arch.syscallNumber(e.getKey());
            if (nr.isPresent() && !allows(bpf.run(nr.getAsInt(), arch.auditArch(), e.getValue()))) denied.add(e.getKey());
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
