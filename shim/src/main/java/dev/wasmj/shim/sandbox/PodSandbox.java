package dev.wasmj.shim.sandbox;

import dev.wasmj.shim.task.ExitStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One pod the shim owns: its config and, once started, the process holding its namespaces. */
final class PodSandbox {
    final String id;
    final Path bundle;
    final String netnsPath;
    final PodConfig config;
    /** Completes when the holder ends, or with 0 when the pod is shut down without ever starting. */
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    volatile PodHolder holder;
    volatile Instant createdAt;

    PodSandbox(String id, Path bundle, String netnsPath, PodConfig config) {
        this.id = id;
        this.bundle = bundle;
        this.netnsPath = netnsPath;
        this.config = config;
    }

    boolean ready() {
        return holder != null && !exit.isDone();
    }

    int pid() {
        return ready() ? holder.pid() : 0;
    }
}
