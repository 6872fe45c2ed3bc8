package dev.wasmj.engine.wasmtime;

/** A module that cannot be loaded, linked or called: the message says which and why. (A trap is a WasmTrap.) */
public final class GuestException extends Exception {
    private static final long serialVersionUID = 1L;

    public GuestException(String message) {
        super(message);
    }

    public GuestException(String message, Throwable cause) {
        super(message, cause);
    }
}
