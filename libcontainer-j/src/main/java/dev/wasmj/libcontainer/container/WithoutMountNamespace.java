package dev.wasmj.libcontainer.container;

import dev.wasmj.oci.runtime.Linux;
import dev.wasmj.oci.runtime.Spec;
import java.util.List;

/**
 * A container without a mount namespace shares the runtime's mounts, so nothing of its own can be mounted,
 * masked or made read-only: a spec that asks for any of it gets an error naming the field instead of a
 * container that silently has less (its masked paths, for instance, would leave the host's /proc open).
 */
final class WithoutMountNamespace {
    private WithoutMountNamespace() {}

    static void check(Spec spec, Namespaces namespaces) throws ContainerException {
        if (namespaces.has("mount")) return;
        Linux linux = spec.getLinux() == null ? new Linux() : spec.getLinux();
        refuseIfSet(spec.getMounts(), "mounts");
        refuseIfSet(linux.getDevices(), "linux.devices");
        refuseIfSet(linux.getMaskedPaths(), "linux.maskedPaths");
        refuseIfSet(linux.getReadonlyPaths(), "linux.readonlyPaths");
        if (Boolean.TRUE.equals(spec.getRoot().getReadonly())) refuseIfSet(List.of(true), "root.readonly");
    }

    private static void refuseIfSet(List<?> value, String field) throws ContainerException {
        if (value == null || value.isEmpty()) return;
        throw new ContainerException("config.json: " + field + ": cannot apply without a mount namespace (the container"
                + " shares the runtime's mounts); remove it, or add a \"mount\" entry to linux.namespaces");
    }
}
