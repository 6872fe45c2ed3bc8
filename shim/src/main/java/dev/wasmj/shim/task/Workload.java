package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.container.CreateRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * How the init JVM of each container runs its workload: an {@link dev.wasmj.libcontainer.workload.Executor}
 * class, the jars it needs besides libcontainer-j, and JVM options (e.g. which engine to load). The default
 * is libcontainer-j's native executor, which execs the container's program.
 */
public record Workload(String executorClass, List<Path> classpath, List<String> jvmOptions) {
    public Workload {
        classpath = List.copyOf(classpath);
        jvmOptions = List.copyOf(jvmOptions);
    }

    public static Workload nativeOnly() {
        return new Workload(dev.wasmj.libcontainer.workload.NativeExecutor.NAME, List.of(), List.of());
    }

    public void applyTo(CreateRequest request) {
        if (!executorClass.equals(dev.wasmj.libcontainer.workload.NativeExecutor.NAME) || !classpath.isEmpty()) {
            request.executor(executorClass, classpath);
        }
        jvmOptions.forEach(request::jvmOption);
    }
}
