package dev.wasmj.libcontainer.process;

import java.util.List;
import java.util.Map;

/**
 * Everything the init JVM needs to finish a container, already resolved by the runtime: mount options
 * parsed into flags, capabilities into masks, paths made absolute. The init reads it from its sync socket
 * with {@link InitPlanCodec}, so it never loads a JSON library (start-up time is the init's critical path).
 *
 * @param joinMountNamespace the path of a mount namespace to join (the init's main thread joins it where it
 *     would pivot_root; a JVM cannot be exec'd inside it, where there is no JDK), or null
 * @param hasCreateRuntimeHooks whether the init must stop and let the runtime run them (a round trip
 *     otherwise saved)
 * @param cgroup2Path the cgroup the container's cgroup mount shows on the cgroup2 hierarchy instead of the init's
 *     own: set for a pre-started init on a hybrid host, which is moved there only after its plan; null otherwise
 */
public record InitPlan(
        String containerId,
        String rootfs,
        boolean readonlyRoot,
        long rootPropagation,
        boolean newMountNamespace,
        boolean newUtsNamespace,
        String joinMountNamespace,
        List<MountEntry> mounts,
        List<DeviceEntry> devices,
        String hostname,
        String domainname,
        Map<String, String> sysctl,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        ProcessPlan process,
        boolean hasCreateRuntimeHooks,
        List<HookEntry> createContainerHooks,
        List<HookEntry> startContainerHooks,
        int preservedFds,
        String executor,
        String cgroup2Path) {

    /** This plan for an init that is moved to {@code path} on the cgroup2 hierarchy after it has read the plan. */
    public InitPlan withCgroup2Path(String path) {
        return new InitPlan(containerId, rootfs, readonlyRoot, rootPropagation, newMountNamespace, newUtsNamespace,
                joinMountNamespace, mounts, devices, hostname, domainname, sysctl, maskedPaths, readonlyPaths, process,
                hasCreateRuntimeHooks, createContainerHooks, startContainerHooks, preservedFds, executor, path);
    }

    /** One mount of the spec, options already split into flags, propagation and data. */
    public record MountEntry(
            String destination, String type, String source, long flags, long propagation, String data) {

        public boolean isBind() {
            return (flags & dev.wasmj.libcontainer.syscall.MountFlags.BIND) != 0;
        }
    }

    /** A device node to create in /dev; type is 'c', 'b' or 'p'. */
    public record DeviceEntry(String path, char type, int major, int minor, int fileMode, int uid, int gid) {}

    /** A hook to run from inside the container's namespaces. */
    public record HookEntry(String path, List<String> args, List<String> env, int timeoutSeconds) {}

    public record Rlimit(int resource, long soft, long hard) {}

    /**
     * The user process. capabilities: null to keep all, else {bounding, effective, permitted, inheritable,
     * ambient}; seccompFilter: the compiled BPF program, or null; jvmSyscallsDenied: the system calls the init
     * JVM needs to go on running under the filter that the filter does not allow (a workload run in-process
     * cannot start under such a filter; an exec'd program does not care).
     */
    public record ProcessPlan(
            List<String> args,
            List<String> env,
            String cwd,
            int uid,
            int gid,
            int[] additionalGids,
            int umask,
            List<Rlimit> rlimits,
            boolean noNewPrivileges,
            Integer oomScoreAdj,
            long[] capabilities,
            boolean terminal,
            int consoleRows,
            int consoleColumns,
            byte[] seccompFilter,
            int seccompFlags,
            List<String> jvmSyscallsDenied) {}
}
