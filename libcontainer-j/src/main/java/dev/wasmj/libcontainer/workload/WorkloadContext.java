package dev.wasmj.libcontainer.workload;

import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link Executor} sees of the container: its process spec, id and the syscall seam.
 *
 * @param rootfs the container's root filesystem as a host path: what {@link Executor#prepare} can read
 *     before pivot_root (afterwards the same files are at "/")
 * @param pivotsIntoRootfs whether the init pivots into that rootfs (a mount namespace of its own): only then is "/"
 *     the rootfs when the workload runs
 */
public record WorkloadContext(String containerId, String rootfs, boolean pivotsIntoRootfs, ProcessPlan process,
        int preservedFds, Syscalls syscalls) {

    public List<String> args() {
        return process.args();
    }

    /** The spec's environment, "KEY=value" each. */
    public List<String> env() {
        return process.env();
    }

    public Optional<String> envValue(String key) {
        String prefix = key + "=";
        return process.env().stream().filter(e -> e.startsWith(prefix)).map(e -> e.substring(prefix.length())).findFirst();
    }

    /** The fds that will be the workload's stdin, stdout and stderr (they are not 0-2 until then). */
    public int stdinFd() {
        return InitFds.CONTAINER_STDIN;
    }

    public int stdoutFd() {
        return InitFds.CONTAINER_STDOUT;
    }

    public int stderrFd() {
        return InitFds.CONTAINER_STDERR;
    }
}
