package dev.wasmj.shim.sandbox;

import java.util.OptionalInt;

/** What the task service needs to know of the pods a server holds (containerd 2.x's sandbox API). */
public interface PodSandboxes {
    /** No sandbox API in use: a server of plain containers. */
    PodSandboxes NONE = new PodSandboxes() {
        @Override
        public boolean holdsAny() {
            return false;
        }

        @Override
        public OptionalInt holderPid(String sandboxId) {
            return OptionalInt.empty();
        }
    };

    /** Whether a pod is still held (not yet shut down): the server must not exit with it. */
    boolean holdsAny();

    /** The pid of the pod's namespace holder, for the task API's Connect on the sandbox's id. */
    OptionalInt holderPid(String sandboxId);
}
