package dev.wasmj.shim.api;

/**
 * Thrown by {@link Engine#runWasi} when the guest trapped (unreachable, out-of-bounds access, stack
 * overflow, ...). The container exits with {@link #EXIT_STATUS}, as a native program that aborts, and the
 * message goes to the shim log: say where and why, e.g. "/app.wasm: wasm trap in _start: unreachable".
 * Any other exception from runWasi means the module could not run at all (exit status 127).
 */
public class WasmTrap extends Exception {
    /** 128 + SIGABRT: C's abort() compiles to a trap in WASI programs. */
    public static final int EXIT_STATUS = 134;
    private static final long serialVersionUID = 1L;

    public WasmTrap(String message, Throwable cause) {
        super(message, cause);
    }
}
