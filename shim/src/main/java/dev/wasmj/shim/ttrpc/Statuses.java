package dev.wasmj.shim.ttrpc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.wasmj.shim.proto.rpc.Status;
import dev.wasmj.shim.proto.ttrpc.Response;

/** How the server turns a handler's outcome into a {@code google.rpc.Status}. */
final class Statuses {
    private Statuses() {
    }

    static Status of(Code code, String message) {
        return Status.newBuilder().setCode(code.value()).setMessage(message == null ? "" : message).build();
    }

    static Response error(Code code, String message) {
        return Response.newBuilder().setStatus(of(code, message)).build();
    }

    /**
     * A handler's exception as the caller should see it: its own code for a {@link TtrpcException},
     * INVALID_ARGUMENT for a message that did not parse, INTERNAL for anything else.
     */
    static Status of(Throwable failure) {
        if (failure instanceof TtrpcException) {
            TtrpcException e = (TtrpcException) failure;
            // OK on the wire would read as success with an empty payload: not what the handler meant.
            return of(e.code() == Code.OK ? Code.UNKNOWN : e.code(), e.getMessage());
        }
        if (failure instanceof InvalidProtocolBufferException) {
            return of(Code.INVALID_ARGUMENT, describe(failure));
        }
        return of(Code.INTERNAL, describe(failure));
    }

    /** The message, or the class name when there is none (a bare NullPointerException says nothing). */
    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isEmpty() ? failure.getClass().getName() : message;
    }
}
