package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Two commands on one container at once take turns: exactly one start wins, exactly one create of an id. */
class ConcurrencyTest extends ContainerTestBase {
    @Test
    void twoStartsOfOneContainer() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("sleep 30");
        assertEquals(0, cli.run("create", "--bundle", b.dir().toString(), "race").exitCode());
        try {
            List<Cli.Result> results = List.of(
                    CompletableFuture.supplyAsync(() -> cli.run("start", "race")),
                    CompletableFuture.supplyAsync(() -> cli.run("start", "race"))).stream()
                    .map(CompletableFuture::join).toList();
            assertEquals(1, results.stream().filter(r -> r.exitCode() == 0).count(), results.toString());
            Cli.Result loser = results.stream().filter(r -> r.exitCode() != 0).findFirst().orElseThrow();
            assertTrue(loser.stderr().contains("it is running, not created"), loser.toString());
        } finally {
            cli.run("delete", "--force", "race");
        }
    }

    @Test
    void twoCreatesOfOneId() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("sleep 30");
        try {
            List<Cli.Result> results = List.of(
                    CompletableFuture.supplyAsync(() -> cli.run("create", "--bundle", b.dir().toString(), "same")),
                    CompletableFuture.supplyAsync(() -> cli.run("create", "--bundle", b.dir().toString(), "same")))
                    .stream().map(CompletableFuture::join).toList();
            assertEquals(1, results.stream().filter(r -> r.exitCode() == 0).count(), results.toString());
            assertTrue(results.stream().anyMatch(r -> r.stderr().contains("container \"same\" already exists")), results.toString());
        } finally {
            cli.run("delete", "--force", "same");
        }
    }
}
