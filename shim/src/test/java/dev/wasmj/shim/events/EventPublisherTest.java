package dev.wasmj.shim.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Empty;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.events.TaskCreate;
import dev.wasmj.shim.proto.events.TaskExit;
import dev.wasmj.shim.proto.events.TaskStart;
import dev.wasmj.shim.proto.events.ttrpc.ForwardRequest;
import dev.wasmj.shim.ttrpc.ServiceRegistry;
import dev.wasmj.shim.ttrpc.TtrpcServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPublisherTest {
    @TempDir
    Path tmp;

    @Test
    void eventsWaitForAnUnreachableContainerdAndArriveInOrder() throws Exception {
        Path socket = tmp.resolve("containerd.sock.ttrpc");
        List<String> received = new CopyOnWriteArrayList<>();
        ShimLog log = new ShimLog(new PrintStream(new ByteArrayOutputStream()), true, Map.of());
        try (EventPublisher events = new EventPublisher(socket, "ns1", log, Duration.ofSeconds(20))) {
            events.publish("/tasks/create", TaskCreate.newBuilder().setContainerId("c1").build());
            events.publish("/tasks/start", TaskStart.newBuilder().setContainerId("c1").build());
            events.publish("/tasks/exit", TaskExit.newBuilder().setContainerId("c1").setExitStatus(3).build());
            Thread.sleep(300); // containerd is "restarting": nothing listens yet
            ServiceRegistry registry = new ServiceRegistry().unary(EventPublisher.SERVICE, "Forward",
                    ForwardRequest.parser(), (ctx, r) -> {
                        received.add(r.getEnvelope().getNamespace() + " " + r.getEnvelope().getTopic() + " "
                                + r.getEnvelope().getEvent().getTypeUrl());
                        return Empty.getDefaultInstance();
                    });
            try (TtrpcServer server = TtrpcServer.listen(socket, registry, null)) {
                events.flush(Duration.ofSeconds(10));
            }
        }
        assertEquals(List.of("ns1 /tasks/create containerd.events.TaskCreate", "ns1 /tasks/start containerd.events.TaskStart",
                "ns1 /tasks/exit containerd.events.TaskExit"), received);
    }
}
