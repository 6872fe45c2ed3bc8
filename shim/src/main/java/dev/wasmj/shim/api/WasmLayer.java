package dev.wasmj.shim.api;

/**
 * A Wasm layer of the container's image, when the image is an OCI artifact (the module is a layer of its
 * own, e.g. {@code application/wasm}, rather than a file in the rootfs): its media type, its digest and its
 * bytes, read from containerd's content store and checked against the digest. The array is the engine's to
 * read, not to change.
 */
public record WasmLayer(String mediaType, String digest, byte[] bytes) {
    @Override
    public String toString() {
        return digest + " (" + mediaType + ", " + bytes.length + " bytes)";
    }
}
