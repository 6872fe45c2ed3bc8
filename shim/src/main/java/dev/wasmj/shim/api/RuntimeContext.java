package dev.wasmj.shim.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What an {@link Engine} knows of the container it runs. */
public interface RuntimeContext {

    /** process.args as given, argv0 included. */
    List<String> args();

    /** process.env only ("KEY=value"), never the init JVM's own environment. */
    List<String> envs();

    /** argv0 split into module path and function. */
    default Entrypoint entrypoint() {
        return Entrypoint.parse(args().isEmpty() ? null : args().get(0));
    }

    /** The image platform, e.g. "wasi/wasm", when known. */
    Optional<String> platform();

    String containerId();

    /**
     * The container's root filesystem as a host path, for {@link Engine#prepare} (e.g. to compile the module
     * into a host-side cache before pivot_root); after pivot_root the same files are at "/".
     */
    default Optional<Path> rootfs() {
        return Optional.empty();
    }

    /**
     * The image's Wasm layers, in manifest order, when the image is an OCI artifact: the module to run is then
     * a layer, not the file argv0 names (argv0 is still the guest's program name). Empty for an image whose
     * module is a file of its rootfs. Only layer types of {@link Engine#supportedLayerTypes()} are here.
     */
    default List<WasmLayer> wasmLayers() {
        return List.of();
    }

    /** The pod (CRI sandbox id) the container belongs to, if any. */
    Optional<String> podId();

    /**
     * The container's stdin, stdout and stderr as paths ({@code /proc/self/fd/0..2}; needs /proc mounted in
     * the container). When {@link Engine#runWasi} runs, fds 0-2 of the init JVM are the container's stdio,
     * so an engine can also simply inherit them; System.out and System.err then go to the shim log, so
     * what the JVM or the engine prints never reaches the container's output.
     */
    Path stdin();

    Path stdout();

    Path stderr();
}
