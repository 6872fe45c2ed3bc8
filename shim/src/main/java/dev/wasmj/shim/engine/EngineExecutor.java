package dev.wasmj.shim.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmj.libcontainer.init.ClassPreloader;
import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.syscall.FdStreams;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.workload.ExecutableLookup;
import dev.wasmj.libcontainer.workload.Executor;
import dev.wasmj.libcontainer.workload.ExecutorException;
import dev.wasmj.libcontainer.workload.NativeExecutor;
import dev.wasmj.libcontainer.workload.RootfsExecutableLookup;
import dev.wasmj.libcontainer.workload.WorkloadContext;
import dev.wasmj.shim.api.Engine;
import dev.wasmj.shim.api.RuntimeContext;
import dev.wasmj.shim.api.WasmLayer;
import dev.wasmj.shim.api.WasmTrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The executor a shim with an {@link Engine} runs in each container's init JVM. It looks at argv0: a Linux
 * executable (ELF or {@code #!}) is exec'd natively, so a pod's pause container and native sidecars work;
 * a Wasm module (magic bytes) or WAT text goes to the engine; anything else is refused before the
 * container is reported created, with a message naming the file.
 */
public final class EngineExecutor implements Executor {
    /** System property of the init JVM naming the engine class. */
    public static final String ENGINE_PROPERTY = "wasmj.engine";
    /**
     * System property of the init JVM naming the index of the image's Wasm layers the shim copied into the
     * bundle (an OCI artifact image; see {@link dev.wasmj.shim.image.WasmLayerFetcher}).
     */
    public static final String WASM_LAYERS_PROPERTY = "wasmj.wasm-layers";

    private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};

    private final NativeExecutor nativeExecutor = new NativeExecutor();
    private Engine engine;
    private RuntimeContext runtime;
    private boolean runsNatively;
    /** prepare saw a Linux program and left the engine unprepared (validate confirms it after pivot_root). */
    private boolean preparedForNative;

    @Override
    public void warmUp() throws Exception {
        engine = load(System.getProperty(ENGINE_PROPERTY));
        engine.warmUp();
    }

    @Override
    public void prepare(WorkloadContext context) throws ExecutorException {
        if (engine == null) engine = load(System.getProperty(ENGINE_PROPERTY));
        runtime = contextOf(context, layers(System.getProperty(WASM_LAYERS_PROPERTY)));
        if (!runtime.wasmLayers().isEmpty()) validateLayers(runtime.wasmLayers()); // before the engine compiles one
        if (runtime.wasmLayers().isEmpty() && isSurelyNative(context)) {
            // A pod's pause container, a native sidecar: exec'd, so the engine's library need not load (~25 ms).
            preparedForNative = true;
            return;
        }
        try {
            // After pivot_root classes still load from open jars, but not from class directories (a build's
            // target/classes): load those now.
            ClassPreloader.preloadIfDirectory(EngineExecutor.class, List.of("dev.wasmj.shim.api", "dev.wasmj.shim.engine"));
            ClassPreloader.preloadIfDirectory(engine.getClass(), List.of(engine.getClass().getPackageName()));
        } catch (IOException e) {
            throw new ExecutorException("cannot preload the engine's classes: " + e.getMessage(), e);
        }
        try {
            engine.prepare(runtime); // before pivot_root: native libraries load only now
        } catch (Exception e) {
            throw new ExecutorException(engine.name() + ": prepare failed: " + e.getMessage(), e);
        }
    }

    /** Whether argv0 is, already before pivot_root, known to be the Linux program the container will exec. */
    private static boolean isSurelyNative(WorkloadContext context) {
        if (context.rootfs() == null || !context.pivotsIntoRootfs() || context.args().isEmpty()) return false;
        return RootfsExecutableLookup.findLinuxProgram(Path.of(context.rootfs()), context.args().get(0),
                context.envValue("PATH").orElse(null), context.process().cwd()).isPresent();
    }

    /**
     * Loads the engine and runs an empty WASI command (written to a temporary directory, removed after) the
     * way a container's module runs, so the class-data archive of the init holds the engine's classes too
     * (the init's time in the executor went from ~70 to ~35 ms with the wasmtime engine).
     */
    @Override
    public void train() throws Exception {
        Engine trained = load(System.getProperty(ENGINE_PROPERTY));
        Path dir = Files.createTempDirectory("wasmj-train-");
        try {
            Files.write(dir.resolve("train.wasm"), EMPTY_COMMAND);
            RuntimeContext context = new Context(List.of("/train.wasm"), List.of(), "train", Optional.of(dir), List.of());
            try {
                trained.prepare(context);
                trained.runWasi(context);
            } catch (Exception | LinkageError e) {
                // An engine that cannot run the empty command still has the classes it loaded archived.
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Best effort: whatever the engine wrote beside the module goes too. */
    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | RuntimeException ignored) {
            // a temporary directory left behind is cleaned with the rest of /tmp
        }
    }

    /** The smallest WASI command: one type, one function, exported as _start, with an empty body. */
    static final byte[] EMPTY_COMMAND = {
        0, 'a', 's', 'm', 1, 0, 0, 0,
        1, 4, 1, 0x60, 0, 0,                              // type section: () -> ()
        3, 2, 1, 0,                                       // function section: one function of type 0
        7, 10, 1, 6, '_', 's', 't', 'a', 'r', 't', 0, 0,  // export section: "_start" = function 0
        10, 4, 1, 2, 0, 0x0b,                             // code section: no locals, end
    };

    /** A new instance of the engine class (the init's, and the server's question of which layer types it runs). */
    public static Engine load(String className) throws ExecutorException {
        if (className == null) throw new ExecutorException("no engine configured (-D" + ENGINE_PROPERTY + ")");
        try {
            return (Engine) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ExecutorException("cannot load engine " + className + ": " + e, e);
        }
    }

    /**
     * Reads the layers the shim copied into the bundle, now, while the bundle is still visible (before
     * pivot_root); none without the property.
     */
    static List<WasmLayer> layers(String index) throws ExecutorException {
        if (index == null || index.isEmpty()) return List.of();
        try {
            List<WasmLayer> layers = new ArrayList<>();
            for (JsonNode l : new ObjectMapper().readTree(Files.readAllBytes(Path.of(index)))) {
                layers.add(new WasmLayer(l.path("mediaType").asText(), l.path("digest").asText(),
                        Files.readAllBytes(Path.of(l.path("path").asText()))));
            }
            return List.copyOf(layers);
        } catch (IOException | RuntimeException e) {
            throw new ExecutorException("cannot read the image's Wasm layers (" + index + "): " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new ExecutorException("the image's Wasm layers (" + index + ") do not fit in the init's heap,"
                    + " which the container's memory limit bounds: raise the limit", e);
        }
    }

    @Override
    public void validate(WorkloadContext context) throws ExecutorException {
        if (!runtime.wasmLayers().isEmpty()) return; // checked in prepare
        String argv0 = runtime.entrypoint().path();
        Optional<Path> resolved = ExecutableLookup.find(argv0, context.envValue("PATH").orElse(null), context.process().cwd());
        Path file = resolved.orElse(Path.of(argv0));
        byte[] head = head(file);
        if (resolved.isPresent() && RootfsExecutableLookup.isLinuxProgram(head)) {
            runsNatively = true;
            nativeExecutor.validate(context);
            return;
        }
        if (preparedForNative) {
            // Only a change of the rootfs between the set-up's steps gets here (the lookups agree otherwise).
            throw new ExecutorException(argv0 + " was a Linux program before pivot_root and is not one after it;"
                    + " the engine was not prepared for a module");
        }
        if (head.length == 0 && !Files.exists(file)) {
            throw new ExecutorException(argv0 + ": no such file in the container");
        }
        boolean wasm = startsWith(head, WASM_MAGIC) || looksLikeWat(head);
        try {
            if (wasm || engine.canHandle(runtime)) return;
        } catch (Exception e) {
            throw new ExecutorException(engine.name() + ": " + e.getMessage(), e);
        }
        throw new ExecutorException(argv0 + " is neither a Wasm module nor a Linux executable");
    }

    /** One module per container, as runwasi's engines: several module layers would need a linking rule. */
    static void validateLayers(List<WasmLayer> layers) throws ExecutorException {
        if (layers.size() > 1) {
            throw new ExecutorException("the image has " + layers.size() + " Wasm layers " + layers
                    + "; a container runs one module");
        }
        WasmLayer layer = layers.get(0);
        if (!startsWith(layer.bytes(), WASM_MAGIC) && !looksLikeWat(Arrays.copyOf(layer.bytes(), Math.min(64, layer.bytes().length)))) {
            throw new ExecutorException("the image's layer " + layer + " is not a Wasm module");
        }
    }

    /** A native argv0 is exec'd (and confines itself at its execve); a module runs here, confined by the init. */
    @Override
    public boolean runsInProcess() {
        return !runsNatively;
    }

    @Override
    public int run(WorkloadContext context) throws ExecutorException {
        if (runsNatively) return nativeExecutor.run(context);
        useContainerStdio(context);
        try {
            return engine.runWasi(runtime);
        } catch (WasmTrap e) {
            throw new ExecutorException(engine.name() + ": " + e.getMessage(), WasmTrap.EXIT_STATUS, e);
        } catch (Exception e) {
            throw new ExecutorException(engine.name() + ": " + e.getMessage(), e);
        } finally {
            System.out.flush();
            System.err.flush();
        }
    }

    /**
     * Makes fds 0-2 the container's stdio, as a native program would have them, so an engine can simply
     * inherit them (wasmtime's file-backed stdio cannot read FIFOs). The JVM's own System.out and System.err
     * move to the shim log: nothing the JVM or the engine prints reaches the container's output.
     */
    private static void useContainerStdio(WorkloadContext context) throws ExecutorException {
        Syscalls sys = context.syscalls();
        try {
            int log = sys.dup(InitFds.LOG);
            sys.dup2(context.stdinFd(), 0);
            sys.dup2(context.stdoutFd(), 1);
            sys.dup2(context.stderrFd(), 2);
            PrintStream toLog = new PrintStream(FdStreams.output(sys, log), true, StandardCharsets.UTF_8);
            System.setOut(toLog);
            System.setErr(toLog);
        } catch (RuntimeException e) {
            throw new ExecutorException("cannot hand the container's stdio to the engine: " + e.getMessage(), e);
        }
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(64);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** WAT text starts, after blanks and comments, with "(module". */
    static boolean looksLikeWat(byte[] head) {
        String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading();
        while (text.startsWith(";;")) {
            int nl = text.indexOf('\n');
            if (nl < 0) return false;
            text = text.substring(nl + 1).stripLeading();
        }
        return text.startsWith("(module") || text.startsWith("(component");
    }

    private static RuntimeContext contextOf(WorkloadContext context, List<WasmLayer> layers) {
        return new Context(context.args(), context.env(), context.containerId(),
                Optional.ofNullable(context.rootfs()).map(Path::of), layers);
    }

    /** A container as an engine sees it; its stdio is the init's fds 0-2 once {@link #run} has set them. */
    private record Context(List<String> args, List<String> envs, String containerId, Optional<Path> rootfs,
            List<WasmLayer> wasmLayers) implements RuntimeContext {
        /** Without the environment: it often holds secrets, and a context may end up in a log. */
        @Override
        public String toString() {
            return "container " + containerId + ", args " + args;
        }

        @Override
        public Optional<String> platform() {
            return Optional.ofNullable(System.getProperty("wasmj.platform"));
        }

        @Override
        public Optional<String> podId() {
            return Optional.ofNullable(System.getProperty("wasmj.pod"));
        }

        @Override
        public Path stdin() {
            return Path.of("/proc/self/fd/0");
        }

        @Override
        public Path stdout() {
            return Path.of("/proc/self/fd/1");
        }

        @Override
        public Path stderr() {
            return Path.of("/proc/self/fd/2");
        }
    }
}
