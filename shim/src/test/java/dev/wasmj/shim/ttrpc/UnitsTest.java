package dev.wasmj.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.wasmj.shim.proto.rpc.Status;
import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The small pieces: codes, error mapping, the registry, the call context and the peer decision. */
class UnitsTest {

    @Test
    void codesMapToAndFromTheirWireNumbers() {
        for (Code c : Code.values()) assertEquals(c, Code.of(c.value()));
        assertEquals(16, Code.UNAUTHENTICATED.value());
        assertEquals(Code.UNKNOWN, Code.of(-1));
        assertEquals(Code.UNKNOWN, Code.of(17));
        assertEquals(Code.UNKNOWN, Code.of(Integer.MAX_VALUE));
    }

    @Test
    void anExceptionsMessageIsJustTheMessage() {
        TtrpcException e = new TtrpcException(Code.NOT_FOUND, "container c1 not found");
        assertEquals(Code.NOT_FOUND, e.code());
        assertEquals("container c1 not found", e.getMessage());
        assertTrue(e.toString().contains("NOT_FOUND"));
        assertThrows(NullPointerException.class, () -> new TtrpcException(null, "no code"));
    }

    @Test
    void handlerFailuresMapToStatuses() {
        assertEquals(status(Code.ALREADY_EXISTS, "dup"), Statuses.of(new TtrpcException(Code.ALREADY_EXISTS, "dup")));
        assertEquals(status(Code.UNKNOWN, "ok?"), Statuses.of(new TtrpcException(Code.OK, "ok?")),
                "OK on the wire would read as success");
        assertEquals(status(Code.INVALID_ARGUMENT, "bad"), Statuses.of(new InvalidProtocolBufferException("bad")));
        assertEquals(status(Code.INTERNAL, "boom"), Statuses.of(new IllegalStateException("boom")));
        assertEquals(status(Code.INTERNAL, "java.lang.NullPointerException"), Statuses.of(new NullPointerException()));
    }

    private static Status status(Code code, String message) {
        return Status.newBuilder().setCode(code.value()).setMessage(message).build();
    }

    @Test
    void aMethodCanBeRegisteredOnce() {
        ServiceRegistry registry = new ServiceRegistry().register("s", "m", (c, p) -> p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.unary("s", "m", KeyValue.parser(), (c, r) -> r));
        assertTrue(e.getMessage().contains("s/m"), e.getMessage());
        assertTrue(registry.hasService("s"));
        assertEquals(null, registry.lookup("s", "other"));
    }

    @Test
    void theContextGroupsMetadataAndKnowsItsDeadline() {
        Request request = Request.newBuilder().setService("s").setMethod("m").setTimeoutNano(60_000_000_000L)
                .addMetadata(KeyValue.newBuilder().setKey("a").setValue("1"))
                .addMetadata(KeyValue.newBuilder().setKey("b").setValue("2"))
                .addMetadata(KeyValue.newBuilder().setKey("a").setValue("3"))
                .build();
        CallContext fresh = CallContext.of(request, System.nanoTime());
        assertEquals(Map.of("a", List.of("1", "3"), "b", List.of("2")), fresh.metadata());
        assertEquals(OptionalLong.of(60_000_000_000L), fresh.timeoutNanos());
        assertFalse(fresh.expired());
        assertThrows(UnsupportedOperationException.class, () -> fresh.metadata().put("c", List.of()));

        CallContext old = CallContext.of(request, System.nanoTime() - 61_000_000_000L);
        assertTrue(old.expired());

        CallContext none = CallContext.of(request.toBuilder().setTimeoutNano(-5).build(), 0);
        assertEquals(OptionalLong.empty(), none.timeoutNanos(), "a negative timeout is none");
        assertFalse(none.expired(), "no deadline never expires");
    }

    /** A principal that is only its name, as the JDK's are only their uid and name. */
    private record User(String getName) implements UserPrincipal {
    }

    @Test
    void peersAreRootOrTheSocketOwner() {
        PeerCheck check = new PeerCheck(new User("shim"), new User("root"));
        assertEquals(Optional.empty(), check.refusal(new User("shim")));
        assertEquals(Optional.empty(), check.refusal(new User("root")));
        Optional<String> refusal = check.refusal(new User("mallory"));
        assertTrue(refusal.isPresent());
        assertTrue(refusal.get().contains("mallory") && refusal.get().contains("shim"), refusal.get());
        assertTrue(check.refusal(null).isPresent(), "unknown credentials are refused");

        PeerCheck noRoot = new PeerCheck(new User("shim"), null);
        assertTrue(noRoot.refusal(new User("root")).isPresent(), "without a root user only the owner gets in");
        assertEquals(Optional.empty(), noRoot.refusal(new User("shim")));
    }
}
