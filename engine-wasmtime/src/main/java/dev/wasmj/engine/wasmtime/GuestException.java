package dev.wasmj.engine.wasmtime;

/** A module that cannot be loaded or linked, or that trapped: the message says which and why. */
public final class GuestException extends Exception {
    private static final long serialVersionUID = 1L;

    public GuestException(String message) {
        super(message);
    }

    public GuestException(String message, Throwable cause) {
        super(message, cause);
    }
}
