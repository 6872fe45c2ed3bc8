package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.container.StateStore;
import java.nio.file.Path;

/**
 * Where the shim keeps libcontainer-j's state of a container: inside its bundle, so the {@code delete}
 * command finds it from {@code -bundle} after a crash, two containerd instances never share it, and
 * containerd's removal of the bundle takes it along.
 */
public final class BundleState {
    static final String DIRECTORY = ".libcontainer-j";

    private BundleState() {}

    public static StateStore store(Path bundle) {
        return new StateStore(bundle.resolve(DIRECTORY));
    }

    public static Path rootfs(Path bundle) {
        return bundle.resolve("rootfs");
    }
}
