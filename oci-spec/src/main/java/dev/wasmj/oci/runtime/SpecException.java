package dev.wasmj.oci.runtime;

/**
 * A document that cannot be used, with a message naming the source and the field:
 * {@code config.json: linux.namespaces[2].type: unknown namespace "netwrk"}.
 */
public class SpecException extends RuntimeException {
    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
