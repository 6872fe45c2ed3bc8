package dev.wasmj.shim.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.events.EventPublisher;
import dev.wasmj.shim.image.WasmArtifacts;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.task.v2.ConnectRequest;
import dev.wasmj.shim.proto.task.v2.ShutdownRequest;
import dev.wasmj.shim.sandbox.PodSandboxes;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The task API of a server that also holds pods (containerd 2.x's sandbox API). */
class TaskServicePodsTest {
    private final AtomicBoolean holding = new AtomicBoolean(true);
    private final AtomicInteger exits = new AtomicInteger();
    private final PodSandboxes pods = new PodSandboxes() {
        @Override
        public boolean holdsAny() {
            return holding.get();
        }

        @Override
        public OptionalInt holderPid(String sandboxId) {
            return sandboxId.equals("pod") ? OptionalInt.of(4242) : OptionalInt.empty();
        }
    };

    private TaskService service() {
        ShimLog log = new ShimLog(new PrintStream(OutputStream.nullOutputStream()), false, Map.of());
        return new TaskService(Syscalls.linux(), log, new EventPublisher(null, "ns", log, Duration.ofSeconds(1)),
                Workload.nativeOnly(), WasmArtifacts.none(), pods, "v", exits::incrementAndGet);
    }

    @Test
    void shutdownAfterTheLastContainerKeepsTheServerWhileItHoldsAPod() {
        TaskService tasks = service();
        tasks.shutdown(ShutdownRequest.newBuilder().setId("c1").build());
        assertEquals(0, exits.get(), "the pod's namespaces would go with the server");
        holding.set(false);
        tasks.shutdown(ShutdownRequest.newBuilder().setId("c1").build());
        assertEquals(1, exits.get());
    }

    @Test
    void connectOnThePodsIdAnswersItsHolder() throws Exception {
        TaskService tasks = service();
        assertEquals(4242, tasks.connect(ConnectRequest.newBuilder().setId("pod").build()).getTaskPid(),
                "containerd 2.x reloading the pod after a restart");
        assertEquals(0, tasks.connect(ConnectRequest.newBuilder().setId("other").build()).getTaskPid());
    }
}
