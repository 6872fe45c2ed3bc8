package dev.wasmj.libcontainer.workload;

/** The workload cannot run; the message is what the user reads (in the runtime's error or the shim log). */
public class ExecutorException extends Exception {
    public ExecutorException(String message) {
        super(message);
    }

    public ExecutorException(String message, Throwable cause) {
        super(message, cause);
    }
}
