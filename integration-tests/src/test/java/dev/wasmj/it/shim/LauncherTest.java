package dev.wasmj.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.wasm.WasmFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

    @Test
    void aTrainingServerThatFailsLeavesNoArchiveAndADeadOnesFileGoes() throws Exception {
        Path cds = Files.createDirectories(tmp.resolve("cds"));
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        long deadPid = ended.pid();
        Path dead = Files.createFile(cds.resolve("shim-1-2.jsa." + deadPid + ".tmp"));
        Path live = Files.createFile(cds.resolve("shim-1-2.jsa." + ProcessHandle.current().pid() + ".tmp"));
        // No archive for this build in cds/: the launcher runs `serve` as the training server, which fails (no -socket).
        ProcessBuilder b = new ProcessBuilder(WasmFixture.shimBin().resolve("containerd-shim-wasmtime-v1").toString(),
                "-namespace", "n", "-address", tmp.resolve("none.sock").toString(), "-id", "x", "serve").redirectErrorStream(true);
        b.environment().put("WASMJ_CDS_DIR", cds.toString());
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("-socket"), out);
        assertFalse(Files.exists(dead), "the file of a training run whose launcher is gone is removed: " + out);
        assertTrue(Files.exists(live), "a running training's file stays");
        try (Stream<Path> files = Files.list(cds)) {
            assertEquals(List.of(live), files.toList(), "a server that failed made no archive for the next ones");
        }
    }
}
