package dev.wasmj.it.shim;

import static dev.wasmj.it.shim.ShimFixture.RUNTIME;
import static dev.wasmj.it.shim.ShimFixture.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.support.ShimServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shim outlives containerd's restart, and a killed shim leaves nothing behind once `delete` has run. */
class ShimRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void aRunningContainerSurvivesContainerdsRestart() throws Exception {
        RootOnly.check();
        try (Containerd containerd = ShimFixture.containerd()) {
            Ctr ctr = containerd.ctr("restart-it");
            String image = ShimFixture.busybox(ctr, tmp);
            ctr.run("run", "-d", "--runtime", RUNTIME, image, "survivor", "sleep", "1000").orFail("run -d");
            awaitStatus(ctr, "survivor", "RUNNING");
            long pid = taskPid(ctr, "survivor");
            containerd.restart();
            awaitStatus(ctr, "survivor", "RUNNING");
            assertEquals(pid, taskPid(ctr, "survivor"), "the same process, still running");
            assertTrue(Files.exists(Path.of("/proc/" + pid)));
            ctr.run("task", "kill", "-s", "SIGKILL", "survivor").orFail("kill after the restart");
            awaitStatus(ctr, "survivor", "STOPPED");
            ctr.run("task", "delete", "survivor").orFail("task delete");
            ctr.run("container", "delete", "survivor").orFail("container delete");
        }
    }

    @Test
    void aKilledShimIsCleanedUpByDelete() throws Exception {
        RootOnly.check();
        try (Containerd containerd = ShimFixture.containerd()) {
            Ctr ctr = containerd.ctr("crash-it");
            String image = ShimFixture.busybox(ctr, tmp);
            ctr.run("run", "-d", "--runtime", RUNTIME, image, "orphan", "sleep", "1000").orFail("run -d");
            awaitStatus(ctr, "orphan", "RUNNING");
            long init = taskPid(ctr, "orphan");
            Path bundle = containerd.bundle("crash-it", "orphan");
            java.util.List<Long> shims = ShimServers.serving(Files.readString(bundle.resolve("address")));
            assertEquals(1, shims.size(), "one shim server: " + shims);
            long shim = shims.get(0);
            new ProcessBuilder("kill", "-KILL", Long.toString(shim)).start().waitFor();

            // containerd sees the connection drop, runs our `delete`, and forgets the task.
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline && ctr.run("task", "ls").stdout().contains("orphan")) Thread.sleep(100);
            // ... and our `delete` (containerd runs it in the background) has finished.
            while (System.nanoTime() < deadline && !Containerd.processesMentioning("-id orphan ").isEmpty()) Thread.sleep(100);
            assertFalse(ctr.run("task", "ls").stdout().contains("RUNNING"), "the task is not running any more");
            assertTrue(isGoneOrZombie(init), "the container's init was killed (its new parent reaps it)");
            assertEquals(java.util.List.of(), Containerd.mountsUnder(bundle), "the rootfs is unmounted");
            for (String controller : new String[] {"memory", "pids", "cpu", "freezer"}) {
                Path cgroup = Path.of("/sys/fs/cgroup", controller, "crash-it", "orphan");
                assertFalse(Files.exists(cgroup), "cgroup removed: " + cgroup);
            }
            Map<Long, String> left = Containerd.processesMentioning("-id orphan ");
            assertTrue(left.isEmpty(), "no shim process left: " + left);
            ctr.run("container", "delete", "orphan");
        }
    }

    /** After the shim's death the init's parent is the host's init, which reaps it in its own time. */
    private static boolean isGoneOrZombie(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) return true;
            } catch (java.io.IOException e) {
                return true; // reaped
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static long taskPid(Ctr ctr, String id) {
        for (String line : ctr.run("task", "ls").stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(id)) return Long.parseLong(f[1]);
        }
        throw new AssertionError("no task " + id);
    }
}
