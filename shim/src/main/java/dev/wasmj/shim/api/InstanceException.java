package dev.wasmj.shim.api;

/** A lifecycle step of an {@link Instance} failed; the message says which and why. */
public class InstanceException extends Exception {
    public InstanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
