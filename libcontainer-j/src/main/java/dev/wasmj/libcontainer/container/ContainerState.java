package dev.wasmj.libcontainer.container;

import dev.wasmj.oci.runtime.Spec;

/**
 * What the runtime remembers of a container between commands, in {@code <root>/<id>/state.json}. The
 * status is not stored: it is derived each time from the init process and the cgroup (see {@link Container#status()}).
 *
 * @param pidStartTime the init's start time in clock ticks since boot (/proc/PID/stat field 22), so a
 *     recycled pid is never mistaken for the container
 * @param started whether {@code start} has released the init
 * @param config the spec the container was created with (hooks and resources are needed after create)
 */
public record ContainerState(
        String id,
        String bundle,
        String rootfs,
        int pid,
        long pidStartTime,
        String created,
        String cgroupsPath,
        boolean started,
        Spec config) {

    ContainerState withStarted() {
        return new ContainerState(id, bundle, rootfs, pid, pidStartTime, created, cgroupsPath, true, config);
    }
}
