package dev.wasmj.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TtrpcClient against TtrpcServer: what the shim and its tests do with them. */
class ClientServerTest {
    private static final String SERVICE = TestService.SERVICE;

    @TempDir
    Path dir;
    private final TestService service = new TestService();
    private final CapturedLog log = new CapturedLog();
    private final ExecutorService callers = Executors.newFixedThreadPool(10, new DaemonThreads("test-caller"));
    private TtrpcServer server;
    private TtrpcClient client;

    @BeforeEach
    void start() throws Exception {
        server = TtrpcServer.listen(dir.resolve("ttrpc.sock"), service.registry, log);
        client = TtrpcClient.connect(server.socket());
    }

    @AfterEach
    void stop() {
        service.releaseAll();
        callers.shutdownNow();
        client.close();
        server.close();
    }

    private ByteString call(String method, String payload) throws TtrpcException, IOException {
        return client.call(SERVICE, method, ByteString.copyFromUtf8(payload), null, null);
    }

    @Test
    void typedCallsParseRequestAndResponse() throws Exception {
        KeyValue swapped = client.call(SERVICE, "Swap", KeyValue.newBuilder().setKey("a").setValue("b").build(),
                KeyValue.parser(), Duration.ofSeconds(5));
        assertEquals(KeyValue.newBuilder().setKey("b").setValue("a").build(), swapped);
        assertEquals("", call("Echo", "").toStringUtf8(), "an empty payload round-trips as empty");
    }

    @Test
    void aBlockingCallDoesNotDelayFiftyOthersOnTheSameConnection() throws Exception {
        Future<ByteString> blocked = callers.submit(() -> call("Block", ""));
        service.blockEntered.take();

        List<Future<ByteString>> others = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String text = "call " + i;
            others.add(callers.submit(() -> call("Echo", text)));
        }
        for (int i = 0; i < 50; i++) assertEquals("call " + i, others.get(i).get(10, TimeUnit.SECONDS).toStringUtf8());
        assertFalse(blocked.isDone(), "Block is still waiting while all 50 were answered");

        service.release.countDown();
        assertEquals("released", blocked.get(10, TimeUnit.SECONDS).toStringUtf8());
        assertEquals(1, server.openConnections(), "all of it went over one connection");
    }

    @Test
    void metadataAndTimeoutReachTheHandler() throws Exception {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("containerd-namespace-ttrpc", "k8s.io");
        metadata.put("x-trace", "abc");
        Request seen = Request.parseFrom(client.call(SERVICE, "Context", ByteString.EMPTY, Duration.ofSeconds(7), metadata));
        assertEquals(SERVICE, seen.getService());
        assertEquals("Context", seen.getMethod());
        assertEquals(TimeUnit.SECONDS.toNanos(7), seen.getTimeoutNano());
        assertEquals(List.of("containerd-namespace-ttrpc=k8s.io", "x-trace=abc"),
                seen.getMetadataList().stream().map(kv -> kv.getKey() + "=" + kv.getValue()).collect(Collectors.toList()));
    }

    @Test
    void aSlowCallFailsWithDeadlineExceededAndTheConnectionGoesOn() throws Exception {
        TtrpcException e = assertThrows(TtrpcException.class,
                () -> client.call(SERVICE, "Block", ByteString.EMPTY, Duration.ofMillis(200), null));
        assertEquals(Code.DEADLINE_EXCEEDED, e.code());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(200), service.blockEntered.take().timeoutNanos().getAsLong());
        assertEquals("ok", call("Echo", "ok").toStringUtf8());
        assertTrue(client.isOpen());
    }

    @ParameterizedTest
    @EnumSource(value = Code.class, mode = EnumSource.Mode.EXCLUDE, names = "OK")
    void aTtrpcExceptionReachesTheCallerWithItsCodeAndMessage(Code code) {
        TtrpcException e = assertThrows(TtrpcException.class, () -> call("Fail", code.name()));
        assertEquals(code, e.code());
        assertEquals("failed with " + code, e.getMessage());
    }

    @Test
    void otherHandlerFailuresMapToInvalidArgumentOrInternal() throws Exception {
        TtrpcException garbage = assertThrows(TtrpcException.class, () -> call("ParseRequest", "\u00ff\u00ff"));
        assertEquals(Code.INVALID_ARGUMENT, garbage.code(), "InvalidProtocolBufferException from the handler");

        TtrpcException crash = assertThrows(TtrpcException.class, () -> call("Crash", "x"));
        assertEquals(Code.INTERNAL, crash.code());
        assertEquals("boom: x", crash.getMessage());
        log.await(SERVICE + "/Crash", "IllegalStateException: boom: x");

        TtrpcException error = assertThrows(TtrpcException.class, () -> call("Error", ""));
        assertEquals(Code.INTERNAL, error.code(), "even an Error fails only the call");
        assertEquals("a bug in the handler", error.getMessage());

        TtrpcException unparsable = assertThrows(TtrpcException.class, () -> call("Swap", "\u00ff"));
        assertEquals(Code.INVALID_ARGUMENT, unparsable.code());
        assertTrue(unparsable.getMessage().startsWith(SERVICE + "/Swap: cannot parse the request"), unparsable.getMessage());

        TtrpcException typedNull = assertThrows(TtrpcException.class, () -> call("TypedNull", ""));
        assertEquals(Code.INTERNAL, typedNull.code());
        assertEquals(SERVICE + "/TypedNull returned no response", typedNull.getMessage());

        assertEquals(ByteString.EMPTY, call("Null", "ignored"), "a raw handler's null is the empty message");
        assertEquals("still served", call("Echo", "still served").toStringUtf8());
    }

    @Test
    void unknownServicesAndMethodsAreUnimplementedByName() {
        TtrpcException method = assertThrows(TtrpcException.class,
                () -> client.call(SERVICE, "Nope", ByteString.EMPTY, null, null));
        assertEquals(Code.UNIMPLEMENTED, method.code());
        assertEquals("unknown method " + SERVICE + "/Nope", method.getMessage());

        TtrpcException svc = assertThrows(TtrpcException.class,
                () -> client.call("containerd.task.v9.Task", "Create", ByteString.EMPTY, null, null));
        assertEquals(Code.UNIMPLEMENTED, svc.code());
        assertTrue(svc.getMessage().contains("containerd.task.v9.Task/Create"), svc.getMessage());
    }

    @Test
    void payloadsOverFourMebibytesAreRefusedOnEitherSide() throws Exception {
        TtrpcException request = assertThrows(TtrpcException.class, () -> client.call(SERVICE, "Size",
                ByteString.copyFrom(new byte[Frame.MAX_PAYLOAD]), null, null));
        assertEquals(Code.RESOURCE_EXHAUSTED, request.code(), "the client does not send what the server would drop");

        TtrpcException response = assertThrows(TtrpcException.class, () -> call("Huge", ""));
        assertEquals(Code.RESOURCE_EXHAUSTED, response.code(), "the server answers an error instead");
        assertEquals("ok", call("Echo", "ok").toStringUtf8());
    }

    @Test
    void closingTheServerFailsPendingCallsWithIOException() throws Exception {
        Future<ByteString> pending = callers.submit(() -> call("Block", ""));
        service.blockEntered.take();
        server.close();

        Exception e = assertThrows(Exception.class, () -> pending.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        Await.until("the client sees the connection gone", () -> !client.isOpen());
        assertThrows(IOException.class, () -> call("Echo", "too late"));
    }
}
