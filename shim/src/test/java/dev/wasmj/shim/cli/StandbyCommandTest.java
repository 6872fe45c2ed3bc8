package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.syscall.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standby that finds an older one waiting beside it leaves (starts that race may have started two). */
class StandbyCommandTest {
    @TempDir
    Path dir;

    /** A standby that takes pid 1 (init, older than anyone) for a waiting standby, as no real one is older than this JVM. */
    private StandbyCommand standby() {
        StandbyCommand standby = new StandbyCommand(Syscalls.linux(), Map.of(StandbyCommand.DIR_ENV, dir.toString(),
                "WASMJ_STANDBY_IDLE_SECONDS", "60"));
        standby.isStandby = pid -> pid == 1;
        return standby;
    }

    @Test
    void onlyAnOlderStandbysFifoCounts() throws Exception {
        assertFalse(standby().olderStandbyWaits());
        Files.createFile(dir.resolve("claim.1.fifo"));   // a claim in progress is not a standby
        Files.createFile(dir.resolve("999999999.fifo")); // a younger pid (and no such process)
        assertFalse(standby().olderStandbyWaits());
        Files.createFile(dir.resolve("1.fifo"));         // older than anyone, and (for this test) a standby
        assertTrue(standby().olderStandbyWaits());
        StandbyCommand real = new StandbyCommand(Syscalls.linux(), Map.of(StandbyCommand.DIR_ENV, dir.toString()));
        assertFalse(real.olderStandbyWaits(), "pid 1 is alive but not a standby: a FIFO left by a killed one whose pid was reused");
    }

    @Test
    void aYoungerStandbyLeavesAtOnceWhenAnOlderOneWaits() throws Exception {
        Files.createFile(dir.resolve("1.fifo"));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return standby().run((claim, reply) -> {
                    throw new AssertionError("not claimed");
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(0, exit.get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS), "left instead of waiting 60 s");
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(dir.resolve("1.fifo")), files.toList(), "its own FIFO went with it");
        }
    }
}
