package dev.wasmj.libcontainer.hooks;

/** A hook failed, timed out or could not start; the message names the hook and why. */
public final class HookException extends Exception {
    public HookException(String message) {
        super(message);
    }
}
