package dev.wasmj.libcontainer.syscall;

/**
 * Who a container process runs as: what {@link Syscalls#spawn} applies to a second process before its exec,
 * and {@link Syscalls#confineProcess} to every thread of an init JVM that runs its workload in-process.
 *
 * @param capabilities null to keep the current ones, else masks {bounding, effective, permitted, inheritable,
 *     ambient}
 * @param seccompFilter raw {@code struct sock_filter[]} bytes, or null
 * @param seccompFlags SECCOMP_FILTER_FLAG_* bits for the filter
 */
public record Credentials(int uid, int gid, int[] additionalGids, long[] capabilities, boolean noNewPrivileges,
        byte[] seccompFilter, int seccompFlags) {}
