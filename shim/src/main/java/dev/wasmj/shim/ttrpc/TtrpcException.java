package dev.wasmj.shim.ttrpc;

import java.util.Objects;

/**
 * A call that ended with a non-OK status. Handlers throw it to choose the code the caller sees;
 * {@link TtrpcClient} throws it when the server answered with one.
 */
public class TtrpcException extends Exception {
    private final Code code;

    public TtrpcException(Code code, String message) {
        this(code, message, null);
    }

    public TtrpcException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    @Override
    public String toString() {
        // getMessage() stays the bare message (it travels on the wire); the code shows up in stack traces.
        return getClass().getName() + ": " + code + ": " + getMessage();
    }
}
