package dev.wasmj.engine.wasmtime;

import dev.wasmj.oci.image.MediaTypes;
import dev.wasmj.shim.api.Engine;
import dev.wasmj.shim.api.Entrypoint;
import dev.wasmj.shim.api.RuntimeContext;
import dev.wasmj.shim.api.WasmLayer;
import io.github.kawamuray.wasmtime.Module;
import io.github.kawamuray.wasmtime.WasmtimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Runs a container's Wasm module (binary or WAT text) on wasmtime 7.0.1 through wasmtime-java 0.19.0, with
 * WASI preview 1: argv and env from the spec, the container's {@code /} preopened as the guest's {@code /},
 * the container's stdio inherited as fds 0-2.
 *
 * <p>{@link #prepare} (before pivot_root) loads the native library from its shared copy and, when the
 * rootfs's host path is known ({@link RuntimeContext#rootfs()}), compiles the module through wasmtime's on-disk
 * cache; otherwise {@link #runWasi} compiles it, without the cache. The guest's working directory is
 * always {@code /}: WASI preview 1 has none, and wasi-libc resolves relative paths against the preopens.
 */
public final class WasmtimeEngine implements Engine {
    /** System property: where the native library and the compile cache go (default /var/cache/containerd-shim-wasm-j). */
    public static final String CACHE_DIR_PROPERTY = "wasmj.wasmtime.cacheDir";
    static final String DEFAULT_CACHE_DIR = "/var/cache/containerd-shim-wasm-j";
    /** What compiled code depends on: wasmtime's version and the binding that builds its configuration. */
    static final String PRECOMPILE_KEY = "wasmtime-7.0.1/wasmtime-java-0.19.0";
    private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};

    private final Path root;
    private final Path cacheRoot;
    private io.github.kawamuray.wasmtime.Engine engine;
    private io.github.kawamuray.wasmtime.Engine warmEngine;
    private Module module;

    public WasmtimeEngine() {
        this(Path.of("/"), Path.of(System.getProperty(CACHE_DIR_PROPERTY, DEFAULT_CACHE_DIR)));
    }

    /**
     * An engine whose guests see {@code root} as {@code /} (in a container, after pivot_root, that is "/"),
     * keeping the native library and compiled code under {@code cacheRoot}.
     */
    WasmtimeEngine(Path root, Path cacheRoot) {
        this.root = root;
        this.cacheRoot = cacheRoot;
    }

    @Override
    public String name() {
        return "wasmtime";
    }

    @Override
    public void warmUp() throws Exception {
        JniLibrary.load(cacheRoot);
        WasiRun.preload();
        warmEngine = CompileCache.engine(cacheRoot);
    }

    /** The cached-compile engine: the one {@link #warmUp} made, or a new one. */
    private io.github.kawamuray.wasmtime.Engine cachingEngine() {
        io.github.kawamuray.wasmtime.Engine made = warmEngine != null ? warmEngine : CompileCache.engine(cacheRoot);
        warmEngine = null;
        return made;
    }

    @Override
    public void prepare(RuntimeContext context) throws Exception {
        JniLibrary.load(cacheRoot);
        WasiRun.preload();
        if (!context.wasmLayers().isEmpty()) {
            // An OCI artifact: the module is the image's layer, not a file of the rootfs.
            WasmLayer layer = context.wasmLayers().get(0);
            engine = cachingEngine();
            module = compile(layer.bytes(), "layer " + layer.digest());
            return;
        }
        Optional<Path> file = context.args().isEmpty() ? Optional.empty() : hostModuleFile(context);
        if (file.isEmpty()) {
            engine = new io.github.kawamuray.wasmtime.Engine();
            return;
        }
        engine = cachingEngine();
        module = compile(Files.readAllBytes(file.get()), context.entrypoint().path());
    }

    /** The module's file through the host's rootfs path, if known and if it holds a module (not a native program). */
    private static Optional<Path> hostModuleFile(RuntimeContext context) throws IOException {
        Optional<Path> rootfs = context.rootfs();
        if (rootfs.isEmpty()) return Optional.empty();
        Path file = RootfsPath.resolve(rootfs.get(), context.entrypoint().path());
        return Files.isRegularFile(file) && isModule(head(file)) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public int runWasi(RuntimeContext context) throws Exception {
        if (engine == null) prepare(context); // called directly, outside an init JVM
        Entrypoint entrypoint = context.entrypoint();
        Module compiled = module;
        if (compiled == null) {
            compiled = compile(Files.readAllBytes(RootfsPath.resolve(root, entrypoint.path())), entrypoint.path());
        }
        return new WasiRun(engine, compiled, entrypoint.path(), context.args(), context.envs(), root).call(entrypoint.func());
    }

    @Override
    public boolean canHandle(RuntimeContext context) throws Exception {
        if (!context.wasmLayers().isEmpty()) return true;
        Path file = RootfsPath.resolve(root, context.entrypoint().path());
        return Files.isRegularFile(file) && isModule(head(file));
    }

    /** Core modules only: wasmtime-java 0.19 has no component model, so a component layer is refused at create. */
    @Override
    public List<String> supportedLayerTypes() {
        return List.of(MediaTypes.WASM, MediaTypes.WASM_MODULE_LAYER, MediaTypes.WASM_CONTENT_LAYER);
    }

    @Override
    public Optional<String> canPrecompile() {
        return Optional.of(PRECOMPILE_KEY);
    }

    /**
     * wasmtime-java cannot serialize compiled code, so precompiling fills wasmtime's compile cache instead and
     * returns the modules unchanged: a container whose {@link #prepare} compiles the same bytes loads the
     * cached code.
     */
    @Override
    public List<byte[]> precompile(List<byte[]> modules) throws Exception {
        JniLibrary.load(cacheRoot);
        try (io.github.kawamuray.wasmtime.Engine cached = CompileCache.engine(cacheRoot)) {
            for (int i = 0; i < modules.size(); i++) {
                try {
                    new Module(cached, modules.get(i)).dispose(); // the cache keeps the compiled code
                } catch (WasmtimeException e) {
                    throw new GuestException("module " + i + ": " + e.getMessage(), e);
                }
            }
        }
        return modules;
    }

    private Module compile(byte[] bytes, String path) throws GuestException {
        try {
            return new Module(engine, bytes);
        } catch (WasmtimeException e) {
            throw new GuestException(path + ": cannot load the module: " + e.getMessage(), e);
        }
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4096); // room for a licence comment before "(module"
        }
    }

    /** Wasm magic, or WAT text: "(module" after blanks and ";;" comments. */
    static boolean isModule(byte[] head) {
        if (head.length >= 4 && Arrays.equals(head, 0, 4, WASM_MAGIC, 0, 4)) return true;
        String text = new String(head, StandardCharsets.ISO_8859_1).stripLeading();
        while (text.startsWith(";;")) {
            int nl = text.indexOf('\n');
            if (nl < 0) return false;
            text = text.substring(nl + 1).stripLeading();
        }
        return text.startsWith("(module");
    }
}
