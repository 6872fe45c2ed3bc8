package dev.wasmj.shim.ttrpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The methods a {@link TtrpcServer} serves, by service and method name. Safe to share between threads. */
public final class ServiceRegistry {

    /** A method with typed request and response messages. */
    @FunctionalInterface
    public interface UnaryHandler<Q, R> {
        R handle(CallContext context, Q request) throws Exception;
    }

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Set<String> services = ConcurrentHashMap.newKeySet(); // to tell an unknown service from an unknown method

    /** Adds {@code service/method}; a second handler for the same name is a programming error. */
    public ServiceRegistry register(String service, String method, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        String name = name(service, method);
        if (handlers.putIfAbsent(name, handler) != null) {
            throw new IllegalArgumentException(name + " is already registered");
        }
        services.add(service);
        return this;
    }

    /**
     * Adds a method whose request is parsed with {@code parser}. A payload that does not parse answers
     * INVALID_ARGUMENT naming the method; a null response answers INTERNAL (a handler bug, not an empty
     * message).
     */
    public <Q, R extends MessageLite> ServiceRegistry unary(String service, String method, Parser<Q> parser,
            UnaryHandler<Q, R> handler) {
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(handler, "handler");
        String name = name(service, method);
        return register(service, method, (context, payload) -> {
            Q request;
            try {
                request = parser.parseFrom(payload);
            } catch (InvalidProtocolBufferException e) {
                throw new TtrpcException(Code.INVALID_ARGUMENT,
                        name + ": cannot parse the request: " + e.getMessage(), e);
            }
            R response = handler.handle(context, request);
            if (response == null) throw new TtrpcException(Code.INTERNAL, name + " returned no response");
            return response.toByteString();
        });
    }

    /** The handler of {@code service/method}, or null. */
    Handler lookup(String service, String method) {
        return handlers.get(name(service, method));
    }

    boolean hasService(String service) {
        return services.contains(service);
    }

    static String name(String service, String method) {
        return Objects.requireNonNull(service, "service") + "/" + Objects.requireNonNull(method, "method");
    }
}
