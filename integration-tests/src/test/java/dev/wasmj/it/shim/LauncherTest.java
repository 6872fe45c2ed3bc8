package dev.wasmj.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.wasm.WasmFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed binary as a node runs it: linked onto containerd's PATH from where the dist was copied. */
class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void theBinaryWorksThroughASymlinkOnThePath() throws Exception {
        Path link = tmp.resolve("containerd-shim-wasmtime-v1");
        Files.createSymbolicLink(link, WasmFixture.shimBin().resolve("containerd-shim-wasmtime-v1"));
        Process p = new ProcessBuilder(link.toString(), "-v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Runtime:  io.containerd.wasmtime.v1"), out);
    }
}
