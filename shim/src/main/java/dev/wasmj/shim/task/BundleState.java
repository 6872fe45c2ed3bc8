package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.task.v2.DeleteResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where the shim keeps libcontainer-j's state of a container: inside its bundle, so the {@code delete}
 * command finds it from {@code -bundle} after a crash, two containerd instances never share it, and
 * containerd's removal of the bundle takes it along.
 */
public final class BundleState {
    static final String DIRECTORY = ".libcontainer-j";
    /** Written by the server once a container is fully deleted; see {@link #recordCleanDelete}. */
    public static final String CLEAN_DELETE = ".delete-response";

    private BundleState() {}

    public static StateStore store(Path bundle) {
        return new StateStore(bundle.resolve(DIRECTORY));
    }

    public static Path rootfs(Path bundle) {
        return bundle.resolve("rootfs");
    }

    /**
     * Records that the server deleted the container completely (processes reaped, state and cgroup removed,
     * rootfs unmounted), with the DeleteResponse it answered. containerd runs the {@code delete} command
     * after every teardown and waits for it; with this file there the launcher script answers with its
     * bytes at once, without starting a JVM, as nothing is left to clean up.
     */
    public static void recordCleanDelete(Path bundle, DeleteResponse response, ShimLog log) {
        Path file = bundle.resolve(CLEAN_DELETE);
        try {
            Path tmp = Files.createTempFile(bundle, CLEAN_DELETE, ".tmp");
            Files.write(tmp, response.toByteArray());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot record the clean delete (the delete command will check again): " + e.getMessage());
        }
    }

    /** The DeleteResponse of a clean delete by the server, if it recorded one. */
    public static Optional<byte[]> cleanDelete(Path bundle) throws IOException {
        Path file = bundle.resolve(CLEAN_DELETE);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }
}
