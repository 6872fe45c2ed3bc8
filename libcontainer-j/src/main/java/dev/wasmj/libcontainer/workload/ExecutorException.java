package dev.wasmj.libcontainer.workload;

/**
 * The workload cannot run, or failed while running; the message is what the user reads (in the runtime's
 * error or the shim log), the exit status what the container's process ends with.
 */
public class ExecutorException extends Exception {
    /** As a shell answers for a command it cannot find (or otherwise cannot run). */
    public static final int CANNOT_RUN = 127;
    /** As a shell answers for a command it found but cannot execute (permission, format). */
    public static final int NOT_EXECUTABLE = 126;
    private static final long serialVersionUID = 1L;
    private final int exitStatus;

    public ExecutorException(String message) {
        this(message, CANNOT_RUN, null);
    }

    public ExecutorException(String message, Throwable cause) {
        this(message, CANNOT_RUN, cause);
    }

    public ExecutorException(String message, int exitStatus, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
    }

    /** The container's exit status when this ends its workload (default {@link #CANNOT_RUN}). */
    public int exitStatus() {
        return exitStatus;
    }
}
