package dev.wasmj.it.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.wasmj.it.engine.example.GreetingEngine;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.shim.api.Instance;
import dev.wasmj.shim.api.InstanceConfig;
import dev.wasmj.shim.api.InstanceException;
import dev.wasmj.shim.api.ShimConfig;
import dev.wasmj.shim.engine.EngineExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine path of the library API: an {@link dev.wasmj.shim.api.Engine} (the docs' example) loaded in
 * the container's init JVM behind the engine executor, which also runs native programs and refuses files
 * that are neither.
 */
class EngineInstanceTest extends ContainerTestBase {
    private static final byte[] MODULE = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @Test
    void engineRunsTheModuleWithArgsEnvAndItsExitCode() throws Exception {
        BusyboxBundle b = bundle("/app.wasm", "a b", "c");
        assertEquals(0, run(b, "greet1"));
        assertEquals("hello tests from app (_start), args [a b, c]\n", Files.readString(tmp.resolve("greet1.out")));

        BusyboxBundle fail = bundle("/app.wasm#handler", "fail");
        assertEquals(7, run(fail, "greet2"));
        String out = Files.readString(tmp.resolve("greet2.out"));
        assertEquals("hello tests from app (handler), args [fail]\n", out);
        assertFalse(out.contains("shim log"), "the JVM's own output stays out of the container's stdout");
    }

    @Test
    void nativeProgramsStillRunNatively() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).args("sh", "-c", "echo native; exit 4");
        assertEquals(4, run(b, "native1"));
        assertEquals("native\n", Files.readString(tmp.resolve("native1.out")));
    }

    @Test
    void aFileThatIsNeitherIsRefusedAtCreateWithItsName() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).args("/app.txt");
        Files.writeString(b.rootfs().resolve("app.txt"), "just text\n");
        var e = assertThrows(InstanceException.class, () -> Instance.create("text1", config(b, "text1")));
        assertTrue(e.getMessage().contains("/app.txt is neither a Wasm module nor a Linux executable"), e.getMessage());
    }

    private BusyboxBundle bundle(String... args) throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).args(args);
        ArrayNode env = (ArrayNode) b.config().get("process").get("env");
        env.add("GREET=tests");
        b.write();
        Files.write(b.rootfs().resolve("app.wasm"), MODULE);
        return b;
    }

    private int run(BusyboxBundle b, String id) throws Exception {
        try (Instance instance = Instance.create(id, config(b, id))) {
            instance.start();
            return instance.waitFor(Duration.ofSeconds(30)).orElseThrow().status();
        }
    }

    private InstanceConfig config(BusyboxBundle b, String id) throws Exception {
        List<Path> classpath = List.of(codeSource(GreetingEngine.class), codeSource(EngineExecutor.class));
        return InstanceConfig.builder(b.dir()).stdout(tmp.resolve(id + ".out").toString())
                .stderr(tmp.resolve(id + ".err").toString()).stateRoot(tmp.resolve("state"))
                .shim(ShimConfig.builder().engine(GreetingEngine.class).engineClasspath(classpath).build()).build();
    }

    private static Path codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
