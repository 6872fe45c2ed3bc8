package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.oci.runtime.ContainerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** pause freezes every process of the container; resume lets them go on. */
class PauseResumeTest extends ContainerTestBase {
    @Test
    void pauseStopsProgressAndResumeRestartsIt() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("while true; do echo tick >> /tmp/ticks; sleep 0.05; done");
        Path ticks = b.rootfs().resolve("tmp/ticks");
        Container c = Container.create(new StateStore(tmp.resolve("state")), CreateRequest.builder("pausable", b.dir()));
        try {
            c.start();
            awaitLines(ticks, 3);
            c.pause();
            assertEquals(ContainerStatus.PAUSED, c.status());
            long frozenAt = Files.readAllLines(ticks).size();
            Thread.sleep(500);
            assertEquals(frozenAt, Files.readAllLines(ticks).size(), "no tick while paused");
            c.resume();
            assertEquals(ContainerStatus.RUNNING, c.status());
            awaitLines(ticks, frozenAt + 3);
        } finally {
            c.delete(true);
        }
        assertEquals(ContainerStatus.STOPPED, c.status());
    }

    private static void awaitLines(Path file, long count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(file) || Files.readAllLines(file).size() < count) {
            assertTrue(System.nanoTime() < deadline, "expected " + count + " ticks in " + file);
            Thread.sleep(20);
        }
    }
}
