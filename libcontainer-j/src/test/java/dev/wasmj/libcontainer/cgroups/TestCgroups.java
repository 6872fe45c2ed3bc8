package dev.wasmj.libcontainer.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers for the tests that use the real cgroup file systems of this machine. */
final class TestCgroups {
    /** Every test cgroup of this package is a top-level directory whose name starts with this. */
    static final String PREFIX = "wasmj-test-cg";

    private TestCgroups() {}

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A fresh absolute cgroup path "/wasmj-test-cg<random>". */
    static String uniqueTopLevel() {
        return "/" + PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    static Process startSleep() throws IOException {
        return new ProcessBuilder("sleep", "30").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * A process that joins the cgroups itself, the way the container's init will: it writes "0" to each
     * placement file, then execs sleep (so its new memory is charged to the container's cgroup).
     */
    static Process startSelfPlacing(List<Path> placementFiles) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "for f; do echo 0 > \"$f\" || exit 1; done; exec sleep 30", "sh"));
        for (Path p : placementFiles) cmd.add(p.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void kill(Process p) throws InterruptedException {
        if (p == null) return;
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    /** Waits up to 5 s for the manager to list the pid. */
    static void awaitMember(CgroupManager m, long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!m.pids().contains(pid)) {
            assertTrue(System.nanoTime() < deadline, "pid " + pid + " did not join " + m.describe());
            Thread.sleep(10);
        }
    }

    /** Removes the top-level test cgroup (and anything below it) in every hierarchy; best effort. */
    static void removeEverywhere(CgroupSetup setup, String topLevel) {
        for (Path root : setup.allMountPoints()) {
            try {
                CgroupTree.remove(java.util.List.of(root.resolve(topLevel.substring(1))));
            } catch (CgroupException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
    }

    /** No directory named wasmj-test-cg* is left at the top of any hierarchy. */
    static void assertNoLeftovers(CgroupSetup setup) throws IOException {
        List<Path> left = new ArrayList<>();
        for (Path root : setup.allMountPoints()) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).forEach(left::add);
            }
        }
        assertEquals(List.of(), left, "test cgroups left behind");
    }

    /** The first non-empty block device as "major:minor", for throttle rules; null if there is none. */
    static long[] someBlockDevice() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            for (Path dev : (Iterable<Path>) s.sorted()::iterator) {
                Path size = dev.resolve("size");
                if (!Files.exists(size) || Files.readString(size).trim().equals("0")) continue;
                String[] mm = Files.readString(dev.resolve("dev")).trim().split(":");
                return new long[] {Long.parseLong(mm[0]), Long.parseLong(mm[1])};
            }
        }
        return null;
    }
}
