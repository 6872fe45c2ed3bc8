package dev.wasmj.engine.wasmtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.security.auth.module.UnixSystem;
import dev.wasmj.shim.api.Instance;
import dev.wasmj.shim.api.InstanceConfig;
import dev.wasmj.shim.api.RuntimeContext;
import dev.wasmj.shim.api.ShimConfig;
import dev.wasmj.shim.api.WasmTrap;
import dev.wasmj.shim.engine.EngineExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine in real containers (root, a real kernel): an init JVM per container behind the shim's engine
 * executor, the module at argv0 in the image, stdout to a file, the exit status through the Instance API.
 */
class WasmtimeContainerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path cacheRoot;

    @BeforeEach
    void requireRoot() {
        assumeTrue(new UnixSystem().getUid() == 0, "needs root");
        cacheRoot = tmp.resolve("cache");
    }

    @Test
    void helloWasmPrintsToTheContainersStdoutAndExitsZero() throws Exception {
        Path bundle = bundle("/hello.wasm", Wat.print("hello from wasm\n", ""));
        assertEquals(0, run(bundle, "hello1"));
        assertEquals("hello from wasm\n", Files.readString(tmp.resolve("hello1.out")),
                "exactly the module's output: nothing of the JVM");
        assertEquals("", Files.readString(tmp.resolve("hello1.err")));
        assertTrue(Files.isRegularFile(JniLibrary.directory(cacheRoot).resolve(JniLibrary.FILE_NAME)),
                "the library was extracted to the cache directory");
    }

    @Test
    void procExitIsTheContainersExitStatus() throws Exception {
        assertEquals(3, run(bundle("/exit.wasm", Wat.print("", "(call $exit (i32.const 3))")), "exit1"));
    }

    @Test
    void aTrapFailsTheContainer() throws Exception {
        int status = run(bundle("/trap.wasm", Wat.UNREACHABLE), "trap1");
        assertEquals(WasmTrap.EXIT_STATUS, status, "a trap ends the container as abort() ends a native one");
        assertEquals("", Files.readString(tmp.resolve("trap1.out")));
    }

    @Test
    void aSpinningModuleStopsOnSigtermAndOnSigkill() throws Exception {
        assertEquals(143, spinAndKill("spin-term", 15));
        assertEquals(137, spinAndKill("spin-kill", 9));
    }

    @Test
    void compilingBeforePivotRootFillsTheCompileCacheForTheNextContainer() throws Exception {
        Path bundle = bundle("/cached.wasm", Wat.print("cached\n", ""));
        ShimConfig shim = shim(WasmtimeEngine.class);
        assertEquals(0, run(bundle, "cache1", shim));
        Path cache = CompileCache.directory(cacheRoot);
        try (Stream<Path> files = Files.walk(cache)) {
            assertTrue(files.anyMatch(Files::isRegularFile), "an entry in " + cache);
        }
        assertEquals(0, run(bundle, "cache2", shim));
        assertEquals("cached\n", Files.readString(tmp.resolve("cache2.out")));
        assertEquals("", Files.readString(tmp.resolve("cache2.err")));
        try (Stream<Path> files = Files.walk(bundle.resolve("rootfs"))) {
            assertEquals(List.of(), files.filter(f -> f.toString().contains("wasmtime")).toList(),
                    "nothing of the cache inside the container");
        }
    }

    private int spinAndKill(String id, int signal) throws Exception {
        Path bundle = bundle("/spin.wasm", Wat.spin());
        try (Instance instance = Instance.create(id, config(bundle, id, shim(WasmtimeEngine.class)))) {
            instance.start();
            Path out = tmp.resolve(id + ".out");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.readString(out).equals("spinning\n")) {
                assertTrue(System.nanoTime() < deadline, "the module never started: " + Files.readString(out));
                Thread.sleep(10);
            }
            long killed = System.nanoTime();
            instance.kill(signal);
            int status = instance.waitFor(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("still running")).status();
            assertTrue(System.nanoTime() - killed < Duration.ofSeconds(5).toNanos(), "stopped promptly");
            return status;
        }
    }

    private int run(Path bundle, String id) throws Exception {
        return run(bundle, id, shim(WasmtimeEngine.class));
    }

    private int run(Path bundle, String id, ShimConfig shim) throws Exception {
        try (Instance instance = Instance.create(id, config(bundle, id, shim))) {
            instance.start();
            return instance.waitFor(Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError(id + " still running")).status();
        }
    }

    private InstanceConfig config(Path bundle, String id, ShimConfig shim) {
        return InstanceConfig.builder(bundle).stdout(tmp.resolve(id + ".out").toString())
                .stderr(tmp.resolve(id + ".err").toString()).stateRoot(tmp.resolve("state")).shim(shim).build();
    }

    private ShimConfig shim(Class<? extends dev.wasmj.shim.api.Engine> engine) throws Exception {
        return ShimConfig.builder().engine(engine).engineClasspath(classpath()).initJvmOption(cacheOption()).build();
    }

    private String cacheOption() {
        return "-D" + WasmtimeEngine.CACHE_DIR_PROPERTY + "=" + cacheRoot;
    }

    /** The init JVM's class path beyond libcontainer-j: this engine, wasmtime-java with slf4j, the shim. */
    private static List<Path> classpath() throws Exception {
        return List.of(codeSource(WasmtimeEngine.class),
                codeSource(io.github.kawamuray.wasmtime.Engine.class), codeSource(org.slf4j.LoggerFactory.class),
                codeSource(Class.forName("org.slf4j.impl.StaticLoggerBinder")), codeSource(EngineExecutor.class));
    }

    /** A bundle whose rootfs holds only the module (written as WAT text) and the mount points. */
    private Path bundle(String argv0, String wat) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bundle-" + System.nanoTime()));
        Path rootfs = dir.resolve("rootfs");
        for (String d : List.of("proc", "sys", "dev", "tmp")) Files.createDirectories(rootfs.resolve(d));
        Files.writeString(rootfs.resolve(argv0.substring(1)), wat);
        ObjectNode config;
        try (InputStream in = WasmtimeContainerTest.class.getResourceAsStream("/default-config.json")) {
            config = (ObjectNode) JSON.readTree(in);
        }
        ((ObjectNode) config.get("process")).putArray("args").add(argv0);
        ((ArrayNode) config.get("process").get("env")).add("GREETING=hello");
        Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));
        return dir;
    }


    private static Path codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
