package dev.wasmj.shim.cli;

import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.events.EventPublisher;
import dev.wasmj.shim.image.WasmArtifacts;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.sandbox.SandboxService;
import dev.wasmj.shim.task.TaskService;
import dev.wasmj.shim.task.Workload;
import dev.wasmj.shim.ttrpc.ServiceRegistry;
import dev.wasmj.shim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The long-running shim server that {@code start} launches: serves the task API on the group's socket
 * until containerd calls Shutdown with no container left, publishing events to containerd's
 * {@code TTRPC_ADDRESS}.
 */
final class ServeCommand {
    private final ShimArgs args;
    private final ShimLog log;
    private final Workload workload;
    private final WasmArtifacts artifacts;
    private final String version;
    private final Map<String, String> env;

    ServeCommand(ShimArgs args, ShimLog log, Workload workload, WasmArtifacts artifacts, String version,
            Map<String, String> env) {
        this.args = args;
        this.log = log;
        this.workload = workload;
        this.artifacts = artifacts;
        this.version = version;
        this.env = env;
    }

    int run() throws IOException, InterruptedException {
        if (args.socket() == null) throw new IllegalArgumentException("serve needs -socket");
        String ttrpcAddress = env.get("TTRPC_ADDRESS");
        if (ttrpcAddress == null || ttrpcAddress.isEmpty()) {
            log.warn("TTRPC_ADDRESS is not set: task events are not published");
        }
        CountDownLatch shutdown = new CountDownLatch(1);
        try (EventPublisher events = new EventPublisher(ttrpcAddress == null || ttrpcAddress.isEmpty() ? null
                : Path.of(ttrpcAddress.replaceFirst("^unix://", "")), args.namespace(), log, Duration.ofSeconds(30))) {
            // The pods (containerd 2.x's sandbox API) and the containers of this server: it exits when it holds neither.
            AtomicReference<TaskService> taskService = new AtomicReference<>();
            SandboxService pods = new SandboxService(Syscalls.linux(), log, () -> taskService.get().isEmpty(), shutdown::countDown);
            TaskService tasks = new TaskService(Syscalls.linux(), log, events, workload, artifacts, pods, version, shutdown::countDown);
            taskService.set(tasks);
            ServiceRegistry registry = new ServiceRegistry();
            tasks.register(registry);
            pods.register(registry);
            WarmUp.start(log); // usually already started by start, at JVM entry
            try (TtrpcServer server = open(registry)) {
                // SIGTERM (e.g. a node shutting down) still removes the socket.
                Thread closeOnExit = new Thread(server::close, "close-socket");
                Runtime.getRuntime().addShutdownHook(closeOnExit);
                log.info("shim listening on " + server.socket() + " (pid " + ProcessHandle.current().pid() + ")");
                shutdown.await();
                // Let the Shutdown reply and the last events go out before the socket closes.
                events.flush(Duration.ofSeconds(5));
                Thread.sleep(50);
            }
        }
        log.info("shim exited");
        return 0;
    }

    /** The socket {@code start} bound and passed as fd 0, or (run by hand) a new one on {@code -socket}. */
    private TtrpcServer open(ServiceRegistry registry) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof ServerSocketChannel listener) {
            return TtrpcServer.adopt(listener, args.socket(), registry, log::debug);
        }
        return TtrpcServer.listen(args.socket(), registry, log::debug);
    }

}
