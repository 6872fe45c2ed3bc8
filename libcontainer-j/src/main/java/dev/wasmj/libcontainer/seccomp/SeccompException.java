package dev.wasmj.libcontainer.seccomp;

/**
 * A seccomp profile that cannot be turned into a filter. The message names the spec field, e.g.
 * {@code linux.seccomp.syscalls[3].action: SCMP_ACT_NOTIFY is not supported yet}, and is meant to be shown
 * to the user as is.
 */
public class SeccompException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SeccompException(String message) {
        super(message);
    }

    public SeccompException(String message, Throwable cause) {
        super(message, cause);
    }

    static SeccompException field(String field, String problem) {
        return new SeccompException(field + ": " + problem);
    }
}
