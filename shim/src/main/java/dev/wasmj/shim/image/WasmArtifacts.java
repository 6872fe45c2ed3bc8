package dev.wasmj.shim.image;

import dev.wasmj.libcontainer.rootfs.SafePath;
import dev.wasmj.libcontainer.workload.ExecutableLookup;
import dev.wasmj.libcontainer.workload.ExecutorException;
import dev.wasmj.oci.runtime.Spec;
import dev.wasmj.oci.runtime.SpecLoader;
import dev.wasmj.shim.engine.EngineExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides, at create, whether a container's module must come from its image's Wasm layers, and fetches them.
 * It looks only when the program the spec names is not in the container's rootfs (an OCI artifact's rootfs
 * is empty): a regular image never costs a call to containerd. Reads go through one {@link ImageStore},
 * opened on first need and kept for the server's life.
 */
public final class WasmArtifacts implements AutoCloseable {
    private final Supplier<ImageStore> opener;
    private final Supplier<List<String>> runnable;
    private ImageStore store;

    private WasmArtifacts(Supplier<ImageStore> opener, Supplier<List<String>> runnable) {
        this.opener = opener;
        this.runnable = runnable;
    }

    /** For a shim without an engine: native programs only, never an artifact. */
    public static WasmArtifacts none() {
        return new WasmArtifacts(null, List::of);
    }

    /** @param engineClass the engine whose {@link dev.wasmj.shim.api.Engine#supportedLayerTypes()} says which layers run */
    public static WasmArtifacts forEngine(String engineClass, Supplier<ImageStore> opener) {
        return new WasmArtifacts(opener, () -> {
            try {
                return EngineExecutor.load(engineClass).supportedLayerTypes();
            } catch (ExecutorException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** For tests: a given store and runnable layer types. */
    public static WasmArtifacts of(ImageStore store, List<String> runnable) {
        return new WasmArtifacts(() -> store, () -> runnable);
    }

    /**
     * When the spec's program is missing from {@code rootfs} and the container's image has Wasm layers, copies
     * them into the bundle and returns the path of their index ({@link WasmLayerFetcher#LAYERS_INDEX}); else empty.
     */
    public Optional<Path> layersFor(String containerId, Path bundle, Path rootfs) throws ImageException {
        if (opener == null || programInRootfs(bundle, rootfs)) return Optional.empty();
        try {
            return new WasmLayerFetcher(store(), runnable.get()).fetch(containerId, bundle);
        } catch (ImageException e) {
            // Also what a mistyped program of a native container leads to: say both.
            throw new ImageException("the program is not in the container's rootfs, and its image's Wasm layers could"
                    + " not be read: " + e.getMessage(), e);
        }
    }

    private synchronized ImageStore store() {
        if (store == null) store = opener.get();
        return store;
    }

    /**
     * Whether argv0 (without a {@code #function} suffix) names a file of the rootfs, as the init will look it up:
     * relative to cwd with a slash, else along the spec's PATH. A spec that does not load counts as present:
     * create then reports what is wrong with it.
     */
    static boolean programInRootfs(Path bundle, Path rootfs) {
        Spec spec;
        try {
            spec = SpecLoader.load(bundle.resolve("config.json"));
        } catch (RuntimeException e) {
            return true;
        }
        if (spec.getProcess() == null) return true;
        List<String> args = spec.getProcess().getArgs();
        if (args == null || args.isEmpty() || args.get(0).isEmpty()) return false;
        String argv0 = args.get(0);
        int hash = argv0.indexOf('#');
        if (hash > 0) argv0 = argv0.substring(0, hash);
        String cwd = spec.getProcess().getCwd() == null ? "/" : spec.getProcess().getCwd();
        if (argv0.contains("/")) return isFile(rootfs, argv0.startsWith("/") ? argv0 : cwd + "/" + argv0);
        String path = pathOf(spec.getProcess().getEnv());
        for (String dir : path.split(":")) {
            String inDir = dir.isEmpty() ? cwd : dir.startsWith("/") ? dir : cwd + "/" + dir;
            if (isFile(rootfs, inDir + "/" + argv0)) return true;
        }
        return false;
    }

    private static boolean isFile(Path rootfs, String containerPath) {
        try {
            return Files.isRegularFile(SafePath.resolve(rootfs, containerPath));
        } catch (IOException e) {
            return false;
        }
    }

    private static String pathOf(List<String> env) {
        if (env != null) {
            for (String e : env) if (e.startsWith("PATH=")) return e.substring(5);
        }
        return ExecutableLookup.DEFAULT_PATH;
    }

    @Override
    public synchronized void close() {
        if (store != null) store.close();
    }
}
