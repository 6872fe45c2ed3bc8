package dev.wasmj.libcontainer.container;

import dev.wasmj.oci.runtime.Linux;
import dev.wasmj.oci.runtime.LinuxNetwork;
import dev.wasmj.oci.runtime.LinuxResources;
import dev.wasmj.oci.runtime.Process;
import dev.wasmj.oci.runtime.Spec;
import java.util.Collection;
import java.util.Map;

/**
 * Spec fields this runtime does not apply, and which would change how the workload runs: refused by name
 * instead of ignored, so that no container runs with less than its spec asked for. (AppArmor and SELinux
 * labels are ignored instead, as runc does on a host without them; see docs/security.md.)
 */
final class UnsupportedFields {
    private UnsupportedFields() {}

    static void check(Spec spec) throws ContainerException {
        checkProcess(spec.getProcess(), "process");
        Linux linux = spec.getLinux();
        if (linux == null) return;
        refuse(linux.getPersonality(), "linux.personality", "the process would run with the host's execution domain");
        refuse(linux.getIntelRdt(), "linux.intelRdt", "no cache or memory bandwidth allocation would be made");
        refuse(linux.getTimeOffsets(), "linux.timeOffsets", "time namespaces are not supported yet");
        LinuxResources resources = linux.getResources();
        if (resources == null) return;
        refuse(resources.getRdma(), "linux.resources.rdma", "no RDMA limit would be set");
        LinuxNetwork network = resources.getNetwork();
        if (network != null && (network.getClassID() != null || notEmpty(network.getPriorities()))) {
            throw unsupported("linux.resources.network", "net_cls and net_prio would not be set");
        }
    }

    /** Also for the process of an exec. */
    static void checkProcess(Process process, String field) throws ContainerException {
        if (process == null) return;
        refuse(process.getScheduler(), field + ".scheduler", "the process would run with the default scheduling policy");
        refuse(process.getIoPriority(), field + ".ioPriority", "the process would run with the default I/O priority");
    }

    private static void refuse(Map<?, ?> value, String field, String consequence) throws ContainerException {
        if (value != null && !value.isEmpty()) throw unsupported(field, consequence);
    }

    private static ContainerException unsupported(String field, String consequence) {
        return new ContainerException("config.json: " + field + ": not supported yet (" + consequence + ")");
    }

    private static boolean notEmpty(Collection<?> c) {
        return c != null && !c.isEmpty();
    }
}
