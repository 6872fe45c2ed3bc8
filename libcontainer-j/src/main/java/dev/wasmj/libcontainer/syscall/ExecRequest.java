package dev.wasmj.libcontainer.syscall;

import java.util.List;
import java.util.Map;

/**
 * The init's last act: become the workload. Applied in one native call on the calling thread, in this
 * order: remap fds, mark every fd from {@code closeFrom} close-on-exec, reset ignored signals, empty the
 * signal mask (none of which a seccomp profile can then forbid), the seccomp filter if it needs
 * CAP_SYS_ADMIN that the identity drops (no no_new_privs), drop bounding capabilities, set
 * groups/gid/uid (keeping capabilities), set the other capability sets, no_new_privs, the seccomp filter
 * (otherwise), execve.
 *
 * @param capabilities null to keep the current ones, else masks {bounding, effective, permitted,
 *     inheritable, ambient}
 * @param seccompFilter raw {@code struct sock_filter[]} bytes, or null
 * @param seccompFlags SECCOMP_FILTER_FLAG_* bits for the filter
 */
public record ExecRequest(
        String path,
        List<String> argv,
        List<String> env,
        Map<Integer, Integer> fdMap,
        int closeFrom,
        int uid,
        int gid,
        int[] additionalGids,
        long[] capabilities,
        boolean noNewPrivileges,
        byte[] seccompFilter,
        int seccompFlags) {

    int[] fdMapPairs() {
        int[] pairs = new int[fdMap.size() * 2];
        int i = 0;
        for (Map.Entry<Integer, Integer> e : fdMap.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return pairs;
    }
}
