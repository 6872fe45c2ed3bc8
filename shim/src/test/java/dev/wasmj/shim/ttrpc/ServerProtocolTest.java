package dev.wasmj.shim.ttrpc;

import static dev.wasmj.shim.ttrpc.RawSocket.cat;
import static dev.wasmj.shim.ttrpc.RawSocket.frame;
import static dev.wasmj.shim.ttrpc.RawSocket.header;
import static dev.wasmj.shim.ttrpc.RawSocket.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import dev.wasmj.shim.proto.ttrpc.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the server does with each kind of frame a client may send, good or bad, seen from the wire. */
class ServerProtocolTest {
    private static final String SERVICE = TestService.SERVICE;

    @TempDir
    Path dir;
    private final TestService service = new TestService();
    private final CapturedLog log = new CapturedLog();
    private TtrpcServer server;

    @BeforeEach
    void start() throws Exception {
        server = TtrpcServer.listen(dir.resolve("ttrpc.sock"), service.registry, log);
    }

    @AfterEach
    void stop() {
        service.releaseAll();
        server.close();
    }

    private static byte[] echo(long streamId, String text) {
        return request(streamId, SERVICE, "Echo", text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertEcho(RawSocket raw, long streamId, String text) throws Exception {
        Response r = raw.response(streamId);
        assertEquals(0, r.getStatus().getCode(), r.toString());
        assertEquals(text, r.getPayload().toStringUtf8());
    }

    private static void assertStatus(Response r, Code code, String fragment) {
        assertEquals(code, Code.of(r.getStatus().getCode()), r.toString());
        assertTrue(r.getStatus().getMessage().contains(fragment), r.getStatus().getMessage());
    }

    @Test
    void zeroLengthFramesAreValidEmptyMessages() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            // An empty ttrpc.Request names no service: a well-formed call to nothing.
            raw.write(frame(1, FrameType.REQUEST.wire(), 0, new byte[0]));
            assertStatus(raw.response(1), Code.UNIMPLEMENTED, "unknown service");
            // Echo of nothing: Response{} is zero bytes, so the answer is a zero-length frame.
            raw.write(echo(3, ""));
            Frame answer = raw.next();
            assertEquals(3, answer.streamId());
            assertEquals(0, answer.payload().size());
        }
    }

    @Test
    void exactlyFourMebibytesIsServedAndOneMoreIsRefusedWithoutLosingTheConnection() throws Exception {
        Request atLimit = requestOfSize(Frame.MAX_PAYLOAD);
        Request overLimit = requestOfSize(Frame.MAX_PAYLOAD + 1);
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            raw.write(request(1, atLimit));
            Response ok = raw.response(1);
            assertEquals(0, ok.getStatus().getCode(), ok.toString());
            assertEquals(Integer.toString(atLimit.getPayload().size()), ok.getPayload().toStringUtf8());

            raw.write(request(3, overLimit));
            assertStatus(raw.response(3), Code.RESOURCE_EXHAUSTED, "4194305 bytes");

            raw.write(echo(5, "still here"));
            assertEcho(raw, 5, "still here");
        }
        assertEquals(1, log.containing("4194305 bytes").size(), log.lines().toString());
    }

    /** A Size request whose encoding is exactly {@code size} bytes. */
    private static Request requestOfSize(int size) {
        int base = Request.newBuilder().setService(SERVICE).setMethod("Size").build().getSerializedSize();
        int payload = size - base - 1 - 4; // tag byte, then a 4-byte varint length (2^21 <= n < 2^28)
        assertEquals(4, CodedOutputStream.computeUInt32SizeNoTag(payload));
        Request r = Request.newBuilder().setService(SERVICE).setMethod("Size")
                .setPayload(ByteString.copyFrom(new byte[payload])).build();
        assertEquals(size, r.getSerializedSize());
        return r;
    }

    /**
     * Input after which the server cannot trust the stream: it must close this connection, and only it.
     * {@code served} is a valid call on {@code servedStream} sent (and answered) first.
     */
    record Malformed(String name, byte[] served, long servedStream, byte[] bytes, boolean thenEof, String logged) {
        Malformed(String name, byte[] bytes, boolean thenEof, String logged) {
            this(name, null, 0, bytes, thenEof, logged);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Malformed> malformed() {
        byte[] whole = echo(1, "cut short");
        return Stream.of(
                new Malformed("unknown frame type", frame(1, 9, 0, new byte[0]), false, "unknown frame type 9"),
                new Malformed("a response frame from the client", frame(1, 2, 0, new byte[0]), false, "response frame"),
                new Malformed("even stream id", echo(2, "x"), false, "even stream id 2"),
                new Malformed("stream id 0", echo(0, "x"), false, "even stream id 0"),
                new Malformed("repeated stream id", echo(1, "a"), 1, echo(1, "b"), false, "not above the previous one"),
                new Malformed("decreasing stream id", echo(5, "a"), 5, echo(3, "b"), false, "not above the previous one"),
                new Malformed("truncated header", Arrays.copyOf(whole, 6), true, "truncated frame"),
                new Malformed("truncated payload", Arrays.copyOf(whole, whole.length - 1), true, "truncated frame"),
                new Malformed("oversized payload cut short", cat(header(Frame.MAX_PAYLOAD + 1, 1, 1, 0), new byte[1000]),
                        true, "truncated frame"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputClosesThatConnectionOnly(Malformed input) throws Exception {
        try (TtrpcClient bystander = TtrpcClient.connect(server.socket());
             RawSocket raw = RawSocket.connect(server.socket())) {
            assertEquals("before", bystander.call(SERVICE, "Echo", ByteString.copyFromUtf8("before"), null, null)
                    .toStringUtf8());
            if (input.served() != null) {
                raw.write(input.served());
                assertEquals(0, raw.response(input.servedStream()).getStatus().getCode());
            }
            raw.write(input.bytes());
            if (input.thenEof()) raw.shutdownOutput();

            assertEquals(List.of(), raw.framesUntilClosed(), "the server closes without answering");
            assertTrue(log.await("closing connection", input.logged()).contains(input.logged()));

            // The connection that was already open and a new one are both served.
            assertEquals("after", bystander.call(SERVICE, "Echo", ByteString.copyFromUtf8("after"), null, null)
                    .toStringUtf8());
            try (TtrpcClient fresh = TtrpcClient.connect(server.socket())) {
                assertEquals("new", fresh.call(SERVICE, "Echo", ByteString.copyFromUtf8("new"), null, null).toStringUtf8());
            }
            Await.until("only the bystander is connected", () -> server.openConnections() == 1);
        }
    }

    @Test
    void aPayloadThatIsNotARequestAnswersInvalidArgumentAndTheConnectionGoesOn() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            raw.write(frame(1, FrameType.REQUEST.wire(), 0, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
            assertStatus(raw.response(1), Code.INVALID_ARGUMENT, "not a valid ttrpc.Request");
            raw.write(echo(3, "next"));
            assertEcho(raw, 3, "next");
        }
        log.await("stream 1 is not a valid ttrpc.Request");
    }

    @Test
    void streamingRequestsAreRefusedAndUnaryFlagsAreServed() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            byte[] call = Request.newBuilder().setService(SERVICE).setMethod("Echo").build().toByteArray();
            raw.write(frame(1, FrameType.REQUEST.wire(), FrameType.FLAG_REMOTE_OPEN, call));
            assertStatus(raw.response(1), Code.UNIMPLEMENTED, "streaming is not supported");
            raw.write(frame(3, FrameType.REQUEST.wire(), FrameType.FLAG_REMOTE_OPEN | FrameType.FLAG_REMOTE_CLOSED, call));
            assertStatus(raw.response(3), Code.UNIMPLEMENTED, "streaming is not supported");
            // remote-closed alone: the client sends no data, which is a unary call
            byte[] unary = Request.newBuilder().setService(SERVICE).setMethod("Echo")
                    .setPayload(ByteString.copyFromUtf8("unary")).build().toByteArray();
            raw.write(frame(5, FrameType.REQUEST.wire(), FrameType.FLAG_REMOTE_CLOSED, unary));
            assertEcho(raw, 5, "unary");
        }
    }

    @Test
    void dataFramesAreIgnoredAndLogged() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            raw.write(frame(1, FrameType.DATA.wire(), 0, "stray".getBytes(StandardCharsets.UTF_8)));
            raw.write(frame(1, FrameType.DATA.wire(), FrameType.FLAG_NO_DATA, new byte[0]));
            raw.write(echo(3, "served"));
            assertEcho(raw, 3, "served");
        }
        assertEquals(2, log.containing("ignored a data frame on stream 1").size(), log.lines().toString());
    }

    @Test
    void aBlockedCallDoesNotHoldUpTheNextOnTheSameConnection() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            raw.write(request(1, SERVICE, "Block", new byte[0]));
            service.blockEntered.take();
            raw.write(echo(3, "overtakes"));
            assertEcho(raw, 3, "overtakes");
            service.release.countDown();
            assertEquals("released", raw.response(1).getPayload().toStringUtf8());
        }
    }

    @Test
    void theServerAnswersDeadlineExceededAndDropsTheLateResult() throws Exception {
        long timeout = TimeUnit.MILLISECONDS.toNanos(100);
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            raw.write(request(1, Request.newBuilder().setService(SERVICE).setMethod("Block").setTimeoutNano(timeout).build()));
            CallContext context = service.blockEntered.take();
            assertEquals(timeout, context.timeoutNanos().getAsLong());

            assertStatus(raw.response(1), Code.DEADLINE_EXCEEDED, SERVICE + "/Block");
            service.release.countDown();
            assertTrue(service.blockExpiredOnRelease.take(), "the handler can see that its caller gave up");

            // The handler's late answer must not reach the wire: the next frame is for stream 3.
            raw.write(echo(3, "next"));
            assertEcho(raw, 3, "next");
        }
        log.await(SERVICE + "/Block on stream 1 exceeded the caller's 100 ms deadline");
    }

    @Test
    void metadataKeepsRepeatedKeysAndOrder() throws Exception {
        Request call = Request.newBuilder().setService(SERVICE).setMethod("Context")
                .addMetadata(KeyValue.newBuilder().setKey("k").setValue("a"))
                .addMetadata(KeyValue.newBuilder().setKey("containerd-namespace-ttrpc").setValue("default"))
                .addMetadata(KeyValue.newBuilder().setKey("k").setValue("b"))
                .build();
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            raw.write(request(1, call));
            Request seen = Request.parseFrom(raw.response(1).getPayload());
            assertEquals(List.of("k=a", "k=b", "containerd-namespace-ttrpc=default"),
                    seen.getMetadataList().stream().map(kv -> kv.getKey() + "=" + kv.getValue())
                            .collect(Collectors.toList()));
            assertEquals(0, seen.getTimeoutNano(), "no timeout sent, none seen");
        }
    }

    @Test
    void streamIdsNeedOnlyBeOddAndIncreasingNotConsecutive() throws Exception {
        try (RawSocket raw = RawSocket.connect(server.socket())) {
            raw.write(echo(7, "seven"));
            assertEcho(raw, 7, "seven");
            raw.write(echo(0xFFFF_FFFFL, "last"));
            assertEcho(raw, 0xFFFF_FFFFL, "last");
        }
        assertFalse(log.lines().stream().anyMatch(l -> l.contains("closing")), log.lines().toString());
    }
}
