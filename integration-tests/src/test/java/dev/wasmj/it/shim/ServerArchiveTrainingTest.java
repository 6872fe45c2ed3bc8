package dev.wasmj.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.wasm.WasmFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first server of a build trains the class-data archive every later server maps. It writes it when it exits;
 * a server that waits for new groups exits within its tick of its containerd's going (a node's containerd stopped
 * or restarted after its first containers), so the archive is there for the next server, and the training leaves
 * no temporary file behind.
 */
class ServerArchiveTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void theTrainingServerWritesTheArchiveSoonAfterItsContainerdIsGone() throws Exception {
        RootOnly.check();
        Path cds = Files.createDirectories(tmp.resolve("cds")); // a node that has no archive of this build yet
        try (Containerd containerd = Containerd.start(Containerd.options().shimDir(WasmFixture.shimBin()).debug(true)
                .env("WASMJ_CDS_DIR", cds.toString()))) {
            Ctr ctr = containerd.ctr("archive-it");
            String image = WasmFixture.probeImage(ctr, tmp);
            Ctr.Result run = ctr.run(WasmFixture.runArgs(List.of(), image, "first", "/probe.wasm", "exit", "3").toArray(String[]::new));
            assertEquals(3, run.exitCode(), () -> run + "\n" + containerd.logText().lines().filter(l -> l.contains("shim") || l.contains("error")).reduce("", (a, b) -> a + "\n" + b));
            List<Long> training = containerd.shimProcesses().entrySet().stream()
                    .filter(e -> e.getValue().contains("-XX:ArchiveClassesAtExit=" + cds)).map(e -> e.getKey()).toList();
            assertEquals(1, training.size(), "one server trains, and stays for new containers: " + containerd.shimProcesses());
            assertEquals(List.of(), archives(cds), "no archive while it runs");

            containerd.kill("TERM");
            assertTrue(containerd.waitForExit(Duration.ofSeconds(20)), "containerd stopped");
            // Its tick (2 s) and the dump (~1 s); a server that waited for a start's grace and for events nobody would
            // take needed ~9 s, which a node's shutdown may not give it.
            long stopped = System.nanoTime();
            long deadline = stopped + Duration.ofSeconds(7).toNanos();
            while (archives(cds).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(1, archives(cds).size(), "the server exited and its archive is in place within 7 s: " + files(cds));
            System.out.println("archive in place " + (System.nanoTime() - stopped) / 1_000_000 + " ms after containerd stopped");
            assertTrue(ProcessHandle.of(training.get(0)).isEmpty(), "the training server is gone");
            assertEquals(List.of(), files(cds).stream().filter(f -> f.endsWith(".tmp")).toList(), "no temporary file is left");
        }
    }

    private static List<String> archives(Path dir) throws Exception {
        return files(dir).stream().filter(f -> f.startsWith("shim-") && f.endsWith(".jsa")).toList();
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
