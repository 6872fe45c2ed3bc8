package dev.wasmj.shim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.workload.ExecutorException;
import dev.wasmj.shim.api.WasmLayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init's side of an OCI artifact: the layers the shim copied into the bundle, read before pivot_root. */
class EngineExecutorLayersTest {
    private static final byte[] MODULE = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @TempDir
    Path dir;

    @Test
    void theIndexTheShimWroteGivesEachLayerWithItsBytes() throws Exception {
        Files.write(dir.resolve("a.wasm"), MODULE);
        Files.writeString(dir.resolve("layers.json"), "[{\"mediaType\":\"application/wasm\",\"digest\":\"sha256:aa\",\"size\":8,\"path\":\""
                + dir.resolve("a.wasm") + "\"}]");
        List<WasmLayer> layers = EngineExecutor.layers(dir.resolve("layers.json").toString());
        assertEquals(1, layers.size());
        assertEquals("application/wasm", layers.get(0).mediaType());
        assertArrayEquals(MODULE, layers.get(0).bytes());
        assertEquals(List.of(), EngineExecutor.layers(null), "no property: a module from the rootfs");
    }

    @Test
    void aMissingLayerFileFailsNamingTheIndex() throws Exception {
        Files.writeString(dir.resolve("layers.json"), "[{\"mediaType\":\"application/wasm\",\"path\":\"" + dir.resolve("gone") + "\"}]");
        ExecutorException e = assertThrows(ExecutorException.class, () -> EngineExecutor.layers(dir.resolve("layers.json").toString()));
        assertTrue(e.getMessage().contains("cannot read the image's Wasm layers"), e.getMessage());
    }

    @Test
    void oneModuleRunsAndAnythingElseIsRefusedNamingTheLayer() {
        WasmLayer module = new WasmLayer("application/wasm", "sha256:aa", MODULE);
        WasmLayer wat = new WasmLayer("application/wasm", "sha256:cc", "(module)".getBytes(StandardCharsets.UTF_8));
        WasmLayer text = new WasmLayer("application/wasm", "sha256:bb", "hello".getBytes(StandardCharsets.UTF_8));
        assertDoesNotThrow(() -> EngineExecutor.validateLayers(List.of(module)));
        assertDoesNotThrow(() -> EngineExecutor.validateLayers(List.of(wat)));
        ExecutorException notWasm = assertThrows(ExecutorException.class, () -> EngineExecutor.validateLayers(List.of(text)));
        assertEquals("the image's layer sha256:bb (application/wasm, 5 bytes) is not a Wasm module", notWasm.getMessage());
        ExecutorException two = assertThrows(ExecutorException.class, () -> EngineExecutor.validateLayers(List.of(module, module)));
        assertTrue(two.getMessage().contains("has 2 Wasm layers"), two.getMessage());
    }
}
