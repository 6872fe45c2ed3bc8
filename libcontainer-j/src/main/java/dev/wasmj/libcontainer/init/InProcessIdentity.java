package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.syscall.Credentials;

/**
 * The identity of a workload that runs in the init JVM (a Wasm module): exactly what a native program of the
 * same spec holds once it is running. A native program gets its capability sets from execve, which applies
 * the spec's sets through the kernel's rules; an in-process workload has no execve, so the same rules are
 * applied here (capabilities(7), "Transformation of capabilities during execve", for a file with no file
 * capabilities and no set-user-ID bit, which a module is):
 * <ul>
 *   <li>ambient: only what is also permitted and inheritable can be raised;</li>
 *   <li>uid 0: permitted = bounding | inheritable | ambient, and effective = permitted;</li>
 *   <li>any other uid: permitted = effective = ambient (so a non-root module holds no capability unless the
 *       spec makes it ambient);</li>
 *   <li>inheritable and bounding are kept as the spec gives them.</li>
 * </ul>
 * Without a capabilities section the sets are left alone: root keeps all of them, and another uid loses them
 * all when its uid is set, as with execve.
 */
final class InProcessIdentity {
    private InProcessIdentity() {}

    static Credentials of(ProcessPlan p) {
        return new Credentials(p.uid(), p.gid(), p.additionalGids(), afterExec(p.uid(), p.capabilities()),
                p.noNewPrivileges(), p.seccompFilter(), p.seccompFlags());
    }

    /** {bounding, effective, permitted, inheritable, ambient} as execve would leave them; null stays null. */
    static long[] afterExec(int uid, long[] spec) {
        if (spec == null) return null;
        long bounding = spec[0];
        long inheritable = spec[3];
        long ambient = spec[4] & spec[2] & inheritable;
        long permitted = uid == 0 ? bounding | inheritable | ambient : ambient;
        return new long[] {bounding, permitted, permitted, inheritable, ambient};
    }
}
