package dev.wasmj.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.rpc.Status;
import dev.wasmj.shim.proto.ttrpc.Request;
import dev.wasmj.shim.proto.ttrpc.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TtrpcClient against a hand-driven server, to see exactly what it puts on the wire. */
class ClientProtocolTest {
    @TempDir
    Path dir;
    private ServerSocketChannel listener;
    private final ExecutorService callers = Executors.newCachedThreadPool(new DaemonThreads("test-caller"));

    @BeforeEach
    void listen() throws IOException {
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(dir.resolve("raw.sock")));
    }

    @AfterEach
    void stop() throws IOException {
        callers.shutdownNow();
        listener.close();
    }

    private static byte[] answer(long streamId, Response response) {
        return RawSocket.frame(streamId, FrameType.RESPONSE.wire(), 0, response.toByteArray());
    }

    private static Response ok(String payload) {
        return Response.newBuilder().setPayload(ByteString.copyFromUtf8(payload)).build();
    }

    @Test
    void streamIdsAreOddFromOneAndIncrease() throws Exception {
        try (TtrpcClient client = TtrpcClient.connect(dir.resolve("raw.sock"));
             RawSocket server = RawSocket.accept(listener)) {
            for (long expected = 1; expected <= 7; expected += 2) {
                Future<ByteString> call = callers.submit(() -> client.call("s", "m", ByteString.EMPTY, null, null));
                Frame request = server.request();
                assertEquals(expected, request.unsignedStreamId());
                assertEquals(0, request.flags(), "a unary request");
                assertEquals(0, Request.parseFrom(request.payload()).getTimeoutNano(), "no timeout, none sent");
                server.write(answer(expected, ok("r" + expected)));
                assertEquals("r" + expected, call.get(10, TimeUnit.SECONDS).toStringUtf8());
            }
        }
    }

    @Test
    void answersInAnyOrderReachTheirOwnCallers() throws Exception {
        try (TtrpcClient client = TtrpcClient.connect(dir.resolve("raw.sock"));
             RawSocket server = RawSocket.accept(listener)) {
            Map<String, Future<ByteString>> calls = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                String text = "payload " + i;
                calls.put(text, callers.submit(() -> client.call("s", "m", ByteString.copyFromUtf8(text), null, null)));
            }
            List<Frame> requests = new ArrayList<>();
            for (int i = 0; i < 20; i++) requests.add(server.request());
            long previous = -1;
            for (Frame r : requests) {
                assertTrue(r.unsignedStreamId() % 2 == 1 && r.unsignedStreamId() > previous, "odd and increasing: " + r);
                previous = r.unsignedStreamId();
            }
            for (int i = requests.size() - 1; i >= 0; i--) { // answer backwards, echoing each request
                Frame r = requests.get(i);
                server.write(answer(r.unsignedStreamId(), ok(Request.parseFrom(r.payload()).getPayload().toStringUtf8())));
            }
            for (Map.Entry<String, Future<ByteString>> e : calls.entrySet()) {
                assertEquals(e.getKey(), e.getValue().get(10, TimeUnit.SECONDS).toStringUtf8());
            }
        }
    }

    @Test
    void theTimeoutIsSentAndEnforcedHereTooAndALateAnswerIsIgnored() throws Exception {
        try (TtrpcClient client = TtrpcClient.connect(dir.resolve("raw.sock"));
             RawSocket server = RawSocket.accept(listener)) {
            long started = System.nanoTime();
            TtrpcException e = assertThrows(TtrpcException.class,
                    () -> client.call("s", "Slow", ByteString.EMPTY, Duration.ofMillis(150), null));
            assertEquals(Code.DEADLINE_EXCEEDED, e.code());
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(150));
            assertTrue(e.getMessage().contains("s/Slow"), e.getMessage());

            Frame request = server.request();
            assertEquals(TimeUnit.MILLISECONDS.toNanos(150), Request.parseFrom(request.payload()).getTimeoutNano());
            server.write(answer(1, ok("too late"))); // nobody waits for it any more

            Future<ByteString> next = callers.submit(() -> client.call("s", "m", ByteString.EMPTY, null, null));
            assertEquals(3, server.request().unsignedStreamId());
            server.write(answer(3, ok("on time")));
            assertEquals("on time", next.get(10, TimeUnit.SECONDS).toStringUtf8());
        }
    }

    @Test
    void aStatusBecomesATtrpcExceptionAndUnknownCodesReadAsUnknown() throws Exception {
        try (TtrpcClient client = TtrpcClient.connect(dir.resolve("raw.sock"));
             RawSocket server = RawSocket.accept(listener)) {
            Future<ByteString> notFound = callers.submit(() -> client.call("s", "m", ByteString.EMPTY, null, null));
            server.request();
            server.write(answer(1, Response.newBuilder()
                    .setStatus(Status.newBuilder().setCode(5).setMessage("container c1 not found")).build()));
            TtrpcException e = (TtrpcException) assertThrows(Exception.class, () -> notFound.get(10, TimeUnit.SECONDS)).getCause();
            assertEquals(Code.NOT_FOUND, e.code());
            assertEquals("container c1 not found", e.getMessage());

            Future<ByteString> future = callers.submit(() -> client.call("s", "m", ByteString.EMPTY, null, null));
            server.request();
            server.write(answer(3, Response.newBuilder().setStatus(Status.newBuilder().setCode(99).setMessage("new")).build()));
            e = (TtrpcException) assertThrows(Exception.class, () -> future.get(10, TimeUnit.SECONDS)).getCause();
            assertEquals(Code.UNKNOWN, e.code());
        }
    }

    @Test
    void losingTheConnectionFailsPendingAndLaterCallsWithIOException() throws Exception {
        TtrpcClient client = TtrpcClient.connect(dir.resolve("raw.sock"));
        RawSocket server = RawSocket.accept(listener);
        Future<ByteString> pending = callers.submit(() -> client.call("s", "m", ByteString.EMPTY, null, null));
        server.request();
        server.close(); // the server goes away without answering
        Throwable cause = assertThrows(Exception.class, () -> pending.get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(cause instanceof IOException, String.valueOf(cause));
        Await.until("the client notices", () -> !client.isOpen());
        IOException later = assertThrows(IOException.class, () -> client.call("s", "m", ByteString.EMPTY, null, null));
        assertTrue(later.getMessage().contains("raw.sock"), later.getMessage());
        client.close();
        client.close(); // idempotent
        assertFalse(client.isOpen());
    }

    @Test
    void connectingToNothingNamesTheSocket() {
        IOException e = assertThrows(IOException.class, () -> TtrpcClient.connect(dir.resolve("missing.sock")));
        assertTrue(e.getMessage().contains("missing.sock"), e.getMessage());
    }
}
