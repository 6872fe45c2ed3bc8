package dev.wasmj.shim.image;

import java.io.OutputStream;
import java.util.Optional;

/**
 * What the shim reads of containerd's metadata and content store: the seam between {@link WasmLayerFetcher}
 * and containerd's gRPC API ({@link ContainerdImageStore}), so the fetcher's rules are unit-tested without one.
 */
public interface ImageStore extends AutoCloseable {

    /** The image reference the container was created from; empty when it has none. */
    Optional<String> imageOf(String containerId) throws ImageException;

    /** The image's root descriptor (an index or a manifest). */
    Blob target(String imageName) throws ImageException;

    /** Copies the blob's bytes to {@code out}, in requests of at most {@code chunkSize} bytes each. */
    void read(Blob blob, OutputStream out, int chunkSize) throws ImageException;

    @Override
    void close();
}
