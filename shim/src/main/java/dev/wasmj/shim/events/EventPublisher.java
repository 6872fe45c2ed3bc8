package dev.wasmj.shim.events;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.events.TaskCreate;
import dev.wasmj.shim.proto.events.TaskDelete;
import dev.wasmj.shim.proto.events.TaskExit;
import dev.wasmj.shim.proto.events.TaskIO;
import dev.wasmj.shim.proto.events.TaskStart;
import dev.wasmj.shim.proto.events.ttrpc.ForwardRequest;
import dev.wasmj.shim.proto.types.Envelope;
import dev.wasmj.shim.proto.types.Mount;
import dev.wasmj.shim.ttrpc.TtrpcClient;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards task events to containerd ({@code containerd.services.events.ttrpc.v1.Events/Forward} on
 * {@code TTRPC_ADDRESS}). One thread sends them in the order they were published, so create, start, exit
 * and delete arrive in that order; a failed send is retried (containerd may be restarting) before the
 * event is given up with a log line.
 */
public final class EventPublisher implements AutoCloseable {
    static final String SERVICE = "containerd.services.events.ttrpc.v1.Events";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Envelope STOP = Envelope.getDefaultInstance();

    private final Path address;
    private final String namespace;
    private final ShimLog log;
    private final Duration retryFor;
    private final BlockingQueue<Envelope> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Thread sender;
    private TtrpcClient client;

    /** @param address containerd's ttrpc socket; null publishes nothing (e.g. in tests without containerd) */
    public EventPublisher(Path address, String namespace, ShimLog log, Duration retryFor) {
        this.address = address;
        this.namespace = namespace;
        this.log = log;
        this.retryFor = retryFor;
        this.sender = new Thread(this::sendLoop, "event-publisher");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues an event for {@code topic} (e.g. "/tasks/exit"); never blocks the caller. */
    public void publish(String topic, Message event) {
        Envelope envelope = envelope(namespace, topic, event);
        log.debug("event " + topic);
        pending.incrementAndGet();
        queue.add(envelope);
    }

    private static Envelope envelope(String namespace, String topic, Message event) {
        return Envelope.newBuilder()
                .setTimestamp(Timestamps.of(Instant.now()))
                .setNamespace(namespace)
                .setTopic(topic)
                // containerd resolves the type by its bare full name, not a type.googleapis.com URL.
                .setEvent(Any.newBuilder().setTypeUrl(event.getDescriptorForType().getFullName()).setValue(event.toByteString()))
                .build();
    }

    /**
     * Builds and encodes, without sending, the events every container publishes: in a fresh JVM the first
     * one initialises the events' descriptors, about 30-50 ms that would otherwise delay the first Create's
     * answer. For a server's warm-up.
     */
    public static void warmUp() throws InvalidProtocolBufferException {
        Timestamp now = Timestamps.of(Instant.now());
        List<Message> events = List.of(
                TaskCreate.newBuilder().setContainerId("warm-up").setIo(TaskIO.newBuilder().setStdout("/dev/null"))
                        .addRootfs(Mount.newBuilder().setType("overlay")).setPid(1).build(),
                TaskStart.newBuilder().setContainerId("warm-up").setPid(1).build(),
                TaskExit.newBuilder().setContainerId("warm-up").setExitStatus(0).setExitedAt(now).build(),
                TaskDelete.newBuilder().setContainerId("warm-up").setExitedAt(now).build());
        for (Message event : events) {
            ForwardRequest.parseFrom(ForwardRequest.newBuilder().setEnvelope(envelope("warm-up", "/warm-up", event)).build()
                    .toByteString());
        }
    }

    /** Waits (bounded) until every queued event was sent or given up: called before the shim exits. */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void sendLoop() {
        try {
            while (true) {
                Envelope envelope = queue.take();
                if (envelope == STOP) return;
                sendWithRetries(envelope);
                pending.decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendWithRetries(Envelope envelope) throws InterruptedException {
        if (address == null) return;
        long deadline = System.nanoTime() + retryFor.toNanos();
        long backoffMillis = 50;
        while (true) {
            try {
                if (client == null || !client.isOpen()) client = TtrpcClient.connect(address);
                client.call(SERVICE, "Forward", ForwardRequest.newBuilder().setEnvelope(envelope).build(),
                        Empty.parser(), CALL_TIMEOUT);
                return;
            } catch (IOException | TtrpcException e) {
                closeClient();
                if (System.nanoTime() > deadline) {
                    log.error("event " + envelope.getTopic() + " not delivered to " + address + ": " + e.getMessage());
                    return;
                }
                log.debug("event " + envelope.getTopic() + ": " + e.getMessage() + "; retrying");
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 1000);
            }
        }
    }

    private void closeClient() {
        if (client != null) client.close();
        client = null;
    }

    @Override
    public void close() {
        queue.add(STOP);
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeClient();
    }
}
