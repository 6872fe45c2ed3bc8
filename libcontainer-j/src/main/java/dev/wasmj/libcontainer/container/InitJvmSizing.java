package dev.wasmj.libcontainer.container;

import dev.wasmj.oci.runtime.LinuxMemory;
import dev.wasmj.oci.runtime.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * JVM options for the init, derived from the spec: inside its cgroup namespace a JVM would size itself
 * from the host, so the heap is bounded here, small enough to leave the limit to the workload.
 */
final class InitJvmSizing {
    static final long DEFAULT_MAX_HEAP = 32L << 20;
    static final long MIN_HEAP = 8L << 20;

    private InitJvmSizing() {}

    static List<String> options(Spec spec) {
        long heap = DEFAULT_MAX_HEAP;
        LinuxMemory memory = spec.getLinux() == null || spec.getLinux().getResources() == null
                ? null : spec.getLinux().getResources().getMemory();
        if (memory != null && memory.getLimit() != null && memory.getLimit() > 0) {
            heap = Math.max(MIN_HEAP, Math.min(heap, memory.getLimit() / 4));
        }
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + (heap >> 20) + "m");
        options.add("-XX:ActiveProcessorCount=" + Math.min(2, Runtime.getRuntime().availableProcessors()));
        return options;
    }
}
