package dev.wasmj.shim.image;

import java.util.Optional;

/**
 * A content descriptor: what a manifest, an index entry or an image's target says of a blob. The platform
 * is an index entry's ({@code os/architecture}), when it has one.
 */
public record Blob(String mediaType, String digest, long size, Optional<String> platform) {
    public Blob(String mediaType, String digest, long size) {
        this(mediaType, digest, size, Optional.empty());
    }

    @Override
    public String toString() {
        return digest + " (" + mediaType + ", " + size + " bytes)";
    }
}
