package dev.wasmj.shim.ttrpc;

import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A service with one method per behaviour the tests need. */
final class TestService {
    static final String SERVICE = "test.v1.Test";

    /** Block waits for this; tests release it when they are done (also in @AfterEach). */
    final CountDownLatch release = new CountDownLatch(1);
    /** Block puts its context here on entry and again (with expired()) when released. */
    final BlockingQueue<CallContext> blockEntered = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> blockExpiredOnRelease = new LinkedBlockingQueue<>();

    final ServiceRegistry registry = new ServiceRegistry()
            .register(SERVICE, "Echo", (c, payload) -> payload)
            // answers the payload's size, so a 4 MiB request does not need a 4 MiB answer
            .register(SERVICE, "Size", (c, payload) -> ByteString.copyFromUtf8(Integer.toString(payload.size())))
            .register(SERVICE, "Block", (c, payload) -> {
                blockEntered.add(c);
                boolean released = release.await(30, TimeUnit.SECONDS);
                blockExpiredOnRelease.add(c.expired());
                return ByteString.copyFromUtf8(released ? "released" : "gave up");
            })
            .register(SERVICE, "Fail", (c, payload) -> {
                Code code = Code.valueOf(payload.toStringUtf8());
                throw new TtrpcException(code, "failed with " + code);
            })
            .register(SERVICE, "Crash", (c, payload) -> {
                throw new IllegalStateException("boom: " + payload.toStringUtf8());
            })
            .register(SERVICE, "ParseRequest", (c, payload) -> Request.parseFrom(payload).getPayload())
            .register(SERVICE, "Error", (c, payload) -> {
                throw new AssertionError("a bug in the handler");
            })
            .register(SERVICE, "Null", (c, payload) -> null)
            .register(SERVICE, "Huge", (c, payload) -> ByteString.copyFrom(new byte[Frame.MAX_PAYLOAD + 1]))
            // echoes what the handler saw: service, method, timeout and metadata, as a ttrpc.Request
            .register(SERVICE, "Context", (c, payload) -> {
                Request.Builder seen = Request.newBuilder().setService(c.service()).setMethod(c.method())
                        .setTimeoutNano(c.timeoutNanos().orElse(0));
                for (Map.Entry<String, List<String>> e : c.metadata().entrySet()) {
                    for (String v : e.getValue()) seen.addMetadata(KeyValue.newBuilder().setKey(e.getKey()).setValue(v));
                }
                return seen.build().toByteString();
            })
            .unary(SERVICE, "Swap", KeyValue.parser(),
                    (c, kv) -> KeyValue.newBuilder().setKey(kv.getValue()).setValue(kv.getKey()).build())
            .unary(SERVICE, "TypedNull", KeyValue.parser(), (c, kv) -> (KeyValue) null);

    /** Lets any blocked call finish, so no test leaves a worker behind. */
    void releaseAll() {
        release.countDown();
    }
}
