package dev.wasmj.shim.ttrpc;

import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** What a handler knows about the call it serves: who is called, the caller's metadata and deadline. */
public final class CallContext {
    private final String service;
    private final String method;
    private final Map<String, List<String>> metadata;
    private final long timeoutNanos; // 0 = none
    private final long receivedAtNanos; // System.nanoTime() when the request frame arrived

    CallContext(String service, String method, Map<String, List<String>> metadata, long timeoutNanos,
            long receivedAtNanos) {
        this.service = service;
        this.method = method;
        this.metadata = metadata;
        this.timeoutNanos = Math.max(0, timeoutNanos); // a negative timeout means none, as in Go's ttrpc
        this.receivedAtNanos = receivedAtNanos;
    }

    static CallContext of(Request request, long receivedAtNanos) {
        // A key may repeat on the wire; keep every value, in order.
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (KeyValue kv : request.getMetadataList()) {
            grouped.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue());
        }
        grouped.replaceAll((k, v) -> List.copyOf(v));
        return new CallContext(request.getService(), request.getMethod(), Collections.unmodifiableMap(grouped),
                request.getTimeoutNano(), receivedAtNanos);
    }

    public String service() {
        return service;
    }

    public String method() {
        return method;
    }

    /** The request's metadata, each key with its values in wire order; unmodifiable. */
    public Map<String, List<String>> metadata() {
        return metadata;
    }

    /** The caller's timeout, relative to when the request arrived; empty when it set none. */
    public OptionalLong timeoutNanos() {
        return timeoutNanos > 0 ? OptionalLong.of(timeoutNanos) : OptionalLong.empty();
    }

    /**
     * Whether the caller's deadline has passed: the caller has been answered DEADLINE_EXCEEDED and will
     * never see this call's result, so a long handler may stop early. Handlers are not interrupted.
     */
    public boolean expired() {
        return timeoutNanos > 0 && System.nanoTime() - receivedAtNanos >= timeoutNanos;
    }

    @Override
    public String toString() {
        return service + "/" + method;
    }
}
