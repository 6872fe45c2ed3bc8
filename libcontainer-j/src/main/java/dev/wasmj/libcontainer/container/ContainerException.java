package dev.wasmj.libcontainer.container;

/** A lifecycle operation failed; the message says why in terms the user knows (ids, spec fields, paths). */
public class ContainerException extends Exception {
    public ContainerException(String message) {
        super(message);
    }

    public ContainerException(String message, Throwable cause) {
        super(message, cause);
    }
}
