package dev.wasmj.oci.image;

/** Media types of OCI and Docker images, and of Wasm images. */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** A Wasm component or module as an image layer (runwasi's default layer types). */
    public static final String WASM_COMPONENT_LAYER = "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm";
    public static final String WASM = "application/wasm";
    /** A core Wasm module as a layer (the W3C's registered type). */
    public static final String WASM_MODULE_LAYER = "application/vnd.w3c.wasm.module.v1+wasm";
    /** A Wasm module as a layer, as wasm-to-oci pushes it. */
    public static final String WASM_CONTENT_LAYER = "application/vnd.wasm.content.layer.v1+wasm";
    /** The config of a Wasm OCI artifact (wasm-to-oci / CNCF Wasm OCI artifact layout). */
    public static final String WASM_CONFIG = "application/vnd.wasm.config.v0+json";

    private MediaTypes() {}

    public static boolean isWasmLayer(String mediaType) {
        return WASM_COMPONENT_LAYER.equals(mediaType) || WASM.equals(mediaType) || WASM_MODULE_LAYER.equals(mediaType)
                || WASM_CONTENT_LAYER.equals(mediaType);
    }
}
