package dev.wasmj.it.shim;

import static dev.wasmj.it.shim.ShimFixture.RUNTIME;
import static dev.wasmj.it.shim.ShimFixture.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.support.ShimServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm standby servers: after a start, a JVM waits for the next container of the same containerd, which
 * it then serves; a dead one is passed over, an idle one leaves, and they can be turned off.
 */
class StandbyTest {
    @TempDir
    Path tmp;

    @Test
    void theNextContainerIsServedByTheStandbyAndADeadStandbyIsPassedOver() throws Exception {
        RootOnly.check();
        try (Containerd containerd = perContainerServers()) {
            Ctr ctr = containerd.ctr("standby-it");
            String image = ShimFixture.busybox(ctr, tmp);
            runDetached(ctr, image, "first");
            long standby = awaitStandby(containerd, -1);

            runDetached(ctr, image, "second");
            assertEquals(List.of(standby), ShimServers.serving(address(containerd, "second")),
                    "the waiting standby serves the second container");
            assertEquals(0, ctr.run("task", "exec", "--exec-id", "e", "second", "true").exitCode(), "and serves it fully");
            long next = awaitStandby(containerd, standby);
            assertFalse(ProcessHandle.of(standby).map(p -> p.info().arguments().map(List::of).orElse(List.of())
                    .stream().anyMatch(a -> a.equals("second") || a.equals("first"))).orElse(false),
                    "a standby's command line names no container");

            new ProcessBuilder("kill", "-KILL", Long.toString(next)).start().waitFor();
            runDetached(ctr, image, "third"); // its FIFO is still there, its JVM is not: a JVM of its own starts
            assertEquals("RUNNING", ctr.taskStatus("third"));
            awaitStandby(containerd, next);
            for (String id : List.of("first", "second", "third")) remove(ctr, id);
        }
    }

    @Test
    void aPodsLaterContainerIsAnsweredByTheStandbyWhichStaysAStandby() throws Exception {
        RootOnly.check();
        try (Containerd containerd = perContainerServers()) {
            Ctr ctr = containerd.ctr("standby-it");
            String image = ShimFixture.busybox(ctr, tmp);
            for (String id : List.of("pod-1", "pod-2")) {
                ctr.run("run", "-d", "--runtime", RUNTIME, "--annotation", "io.kubernetes.cri.sandbox-id=pod", image, id,
                        "sleep", "1000").orFail("run " + id);
                awaitStatus(ctr, id, "RUNNING");
                if (id.equals("pod-1")) awaitStandby(containerd, -1);
            }
            long standby = awaitStandby(containerd, -1);
            assertEquals(address(containerd, "pod-1"), address(containerd, "pod-2"), "one server for the pod");
            assertEquals(1, ShimServers.serving(address(containerd, "pod-1")).size());
            assertEquals(1, standbyFifos(containerd).size(), "the standby that answered waits again, alone: "
                    + standbyFifos(containerd));
            assertTrue(ProcessHandle.of(standby).isPresent());
            for (String id : List.of("pod-1", "pod-2")) remove(ctr, id);
        }
    }

    @Test
    void concurrentStartsLeaveOneStandbyWaiting() throws Exception {
        RootOnly.check();
        try (Containerd containerd = perContainerServers()) {
            Ctr ctr = containerd.ctr("standby-it");
            String image = ShimFixture.busybox(ctr, tmp);
            runDetached(ctr, image, "first");
            awaitStandby(containerd, -1);
            List<Ctr.Background> runs = new java.util.ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                runs.add(ctr.start("run", "-d", "--runtime", RUNTIME, image, "c" + i, "sleep", "1000"));
            }
            for (Ctr.Background run : runs) assertEquals(0, run.waitFor(Duration.ofSeconds(60)).exitCode(), run.stderr());
            for (int i = 1; i <= 4; i++) awaitStatus(ctr, "c" + i, "RUNNING");
            awaitStandby(containerd, -1);
            Thread.sleep(3000); // time for any other standby to come up, if one had been started
            long waiting = standbyFifos(containerd).stream().map(f -> f.getFileName().toString().replace(".fifo", ""))
                    .filter(pid -> Files.isDirectory(Path.of("/proc", pid))).count();
            assertEquals(1, waiting, "one standby waits, not one per concurrent start: " + standbyFifos(containerd));
            remove(ctr, "first");
            for (int i = 1; i <= 4; i++) remove(ctr, "c" + i);
        }
    }

    @Test
    void anIdleStandbyLeavesAndStandbysCanBeTurnedOff() throws Exception {
        RootOnly.check();
        try (Containerd containerd = Containerd.start(Containerd.options().shimDir(ShimFixture.shimBin()).env("WASMJ_SHIM_GROUPS", "1")
                .env("WASMJ_STANDBY_IDLE_SECONDS", "2"))) {
            Ctr ctr = containerd.ctr("standby-it");
            String image = ShimFixture.busybox(ctr, tmp);
            assertEquals(0, ctr.run("run", "--rm", "--runtime", RUNTIME, image, "once", "true").exitCode());
            long standby = awaitStandby(containerd, -1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (ProcessHandle.of(standby).isPresent() && System.nanoTime() < deadline) Thread.sleep(100);
            assertFalse(ProcessHandle.of(standby).map(ProcessHandle::isAlive).orElse(false), "the idle standby exited");
            assertEquals(List.of(), standbyFifos(containerd), "and took its FIFO along");
        }
        try (Containerd containerd = Containerd.start(Containerd.options().shimDir(ShimFixture.shimBin()).env("WASMJ_SHIM_GROUPS", "1")
                .env("WASMJ_STANDBY", "0"))) {
            Ctr ctr = containerd.ctr("standby-it");
            String image = ShimFixture.busybox(ctr, tmp.resolve("off"));
            assertEquals(0, ctr.run("run", "--rm", "--runtime", RUNTIME, image, "off1", "true").exitCode());
            assertEquals(0, ctr.run("run", "--rm", "--runtime", RUNTIME, image, "off2", "true").exitCode());
            Thread.sleep(1000);
            assertEquals(List.of(), standbyFifos(containerd), "WASMJ_STANDBY=0: no standby");
        }
    }

    private static void runDetached(Ctr ctr, String image, String id) throws InterruptedException {
        ctr.run("run", "-d", "--runtime", RUNTIME, image, id, "sleep", "1000").orFail("run -d " + id);
        awaitStatus(ctr, id, "RUNNING");
    }

    private static void remove(Ctr ctr, String id) throws InterruptedException {
        ctr.run("task", "kill", "-s", "SIGKILL", id).orFail("kill " + id);
        awaitStatus(ctr, id, "STOPPED");
        ctr.run("task", "delete", id).orFail("task delete " + id);
        ctr.run("container", "delete", id).orFail("container delete " + id);
    }

    private static String address(Containerd containerd, String id) throws IOException {
        return Files.readString(containerd.bundle("standby-it", id).resolve("address"));
    }

    /** Waits for a live standby other than {@code not} and returns its pid (its FIFO is named after it). */
    private static long awaitStandby(Containerd containerd, long not) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (Path fifo : standbyFifos(containerd)) {
                long pid = Long.parseLong(fifo.getFileName().toString().replace(".fifo", ""));
                if (pid != not && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return pid;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no standby appeared: " + standbyFifos(containerd));
    }

    /** The FIFOs standbys wait on, beside this containerd's shim sockets. */
    private static List<Path> standbyFifos(Containerd containerd) throws IOException {
        Path sockets = containerd.address().getParent().resolve("s");
        if (!Files.isDirectory(sockets)) return List.of();
        try (Stream<Path> dirs = Files.list(sockets)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("standby-")).flatMap(d -> {
                try (Stream<Path> fifos = Files.list(d)) {
                    return fifos.filter(f -> f.getFileName().toString().endsWith(".fifo")).toList().stream();
                } catch (IOException e) {
                    return Stream.empty();
                }
            }).toList();
        }
    }

    /**
     * A server per container: a standby then serves every next container (with shared servers it serves the next
     * group once the listening server is full, ShimGroupingTest).
     */
    private static Containerd perContainerServers() {
        return Containerd.start(Containerd.options().shimDir(ShimFixture.shimBin()).debug(true).env("WASMJ_SHIM_GROUPS", "1"));
    }
}
