package dev.wasmj.shim.api;

import dev.wasmj.oci.image.MediaTypes;
import java.util.List;
import java.util.Optional;

/**
 * A Wasm engine: what a Java team implements to build its own shim (see docs/writing-an-engine.md).
 *
 * <p>The engine runs inside each container's init JVM, after the container is set up (namespaces,
 * cgroups, rootfs, pivot_root): {@link #runWasi} sees the container's filesystem as {@code /} and its
 * stdio as fds 0-2. Native libraries must be loaded in {@link #prepare}, which runs before pivot_root.
 * Implementations need a public no-argument constructor.
 */
public interface Engine {

    /** A short name, e.g. "wasmtime"; it appears in logs. */
    String name();

    /** Runs the module to completion and returns its exit code (what {@code proc_exit} asked for, or 0). */
    int runWasi(RuntimeContext context) throws Exception;

    /**
     * Called before pivot_root, while the host's files are visible: load native libraries and warm up here.
     */
    default void prepare(RuntimeContext context) throws Exception {}

    /**
     * Called in an init JVM started before its container exists (the shim keeps one ready; docs/performance.md):
     * load what {@link #prepare} loads for every module (native libraries, an engine configuration), so that the
     * container's prepare finds it done. Nothing of a container is known yet; a failure only costs that time.
     */
    default void warmUp() throws Exception {}

    /** Whether this engine can run the container's entrypoint (default: the file starts with Wasm magic). */
    default boolean canHandle(RuntimeContext context) throws Exception {
        return false;
    }

    /**
     * The OCI layer media types this engine can run from an image that is a Wasm artifact (e.g.
     * application/wasm): the shim copies such layers from containerd's content store and hands them over as
     * {@link RuntimeContext#wasmLayers()}; an image with a Wasm layer of another type is refused at create,
     * naming the type.
     */
    default List<String> supportedLayerTypes() {
        return List.of(MediaTypes.WASM, MediaTypes.WASM_MODULE_LAYER, MediaTypes.WASM_CONTENT_LAYER);
    }

    /** Compiles modules ahead of time; the result is what {@link #runWasi} can load faster. */
    default List<byte[]> precompile(List<byte[]> modules) throws Exception {
        throw new UnsupportedOperationException(name() + " does not precompile");
    }

    /** A key identifying this engine's precompiled output (e.g. its version), or empty when it cannot precompile. */
    default Optional<String> canPrecompile() {
        return Optional.empty();
    }
}
