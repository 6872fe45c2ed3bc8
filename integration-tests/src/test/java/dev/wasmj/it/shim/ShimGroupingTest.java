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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which shim server serves which container: the containers of one pod (the CRI sandbox-id annotation) always
 * share one; a server takes new pods and containers of its namespace up to its bound ({@code WASMJ_SHIM_GROUPS},
 * default 16), then the next start starts another; the server that takes new ones waits for them for the idle
 * time once empty, any other exits with its last container. A shared server's crash ends its containers, and
 * containerd and the shim leave nothing behind.
 */
class ShimGroupingTest {
    private static final String SANDBOX = "io.kubernetes.cri.sandbox-id";

    @TempDir
    Path tmp;

    @Test
    void containersShareAServerUpToItsBoundAndEachKeepsItsLog() throws Exception {
        RootOnly.check();
        try (Containerd containerd = containerd("2")) {
            Ctr ctr = containerd.ctr("group-it");
            String image = ShimFixture.busybox(ctr, tmp);
            run(ctr, image, "first");
            for (String id : new String[] {"pod-a", "pod-b"}) run(ctr, image, id, "--annotation", SANDBOX + "=pod1");
            assertEquals(1, serverJvms(containerd).size(), "one server for the container and the pod: " + servers(containerd));
            assertEquals(serving(containerd, "first"), serving(containerd, "pod-a"));
            assertEquals(serving(containerd, "pod-a"), serving(containerd, "pod-b"));

            run(ctr, image, "third"); // a third group: over the bound of 2, so another server
            assertEquals(2, serverJvms(containerd).size(), "the bound started a second server: " + servers(containerd));
            assertNotEquals(serving(containerd, "first"), serving(containerd, "third"));

            // The first container's bundle (the server's working directory and first log) goes: the server still
            // starts the pod's containers, and the lines about them still reach containerd's log.
            remove(ctr, "first");
            run(ctr, image, "pod-c", "--annotation", SANDBOX + "=pod1");
            assertEquals(serving(containerd, "pod-a"), serving(containerd, "pod-c"));
            assertEquals(0, ctr.run("task", "exec", "--exec-id", "still", "pod-b", "true").exitCode(), "pod-b is still served");
            assertTrue(containerd.logShows("id=pod-c"), "lines about a container started after the first went");

            for (String id : new String[] {"pod-a", "pod-b", "pod-c", "third"}) remove(ctr, id);
            awaitNoServer(containerd); // the one waiting for new containers too, after its idle time (3 s here)
            assertTrue(Containerd.mountsUnder(containerd.state()).isEmpty(), "no rootfs left mounted");
            assertEquals(List.of(), socketDirEntries(containerd), "no socket or link left");
        }
    }

    @Test
    void withABoundOfOneEachPodOrContainerHasItsOwnServer() throws Exception {
        RootOnly.check();
        try (Containerd containerd = containerd("1")) {
            Ctr ctr = containerd.ctr("group-it");
            String image = ShimFixture.busybox(ctr, tmp);
            for (String id : new String[] {"pod-a", "pod-b"}) run(ctr, image, id, "--annotation", SANDBOX + "=pod1");
            run(ctr, image, "alone");
            assertEquals(2, serverJvms(containerd).size(), "one server for the pod, one for the other container: " + servers(containerd));
            assertEquals(serving(containerd, "pod-a"), serving(containerd, "pod-b"));
            remove(ctr, "pod-a");
            assertEquals(2, serverJvms(containerd).size(), "the pod's server stays for pod-b");
            assertEquals(0, ctr.run("task", "exec", "--exec-id", "still", "pod-b", "true").exitCode(), "and still serves it");
            remove(ctr, "pod-b");
            remove(ctr, "alone");
            awaitNoServer(containerd);
            assertTrue(Containerd.mountsUnder(containerd.state()).isEmpty(), "no rootfs left mounted");
        }
    }

    @Test
    void aSharedServersCrashEndsItsContainersAndLeavesNothing() throws Exception {
        RootOnly.check();
        try (Containerd containerd = containerd("16")) {
            Ctr ctr = containerd.ctr("group-it");
            String image = ShimFixture.busybox(ctr, tmp);
            run(ctr, image, "one");
            run(ctr, image, "two");
            List<Long> jvms = serverJvms(containerd);
            assertEquals(1, jvms.size(), "shared: " + servers(containerd));
            List<Long> inits = List.of(initPid(ctr, "one"), initPid(ctr, "two"));

            Containerd.signal(jvms.get(0), "KILL");
            // containerd sees the connection go, runs the shim's delete for each task and reports it exited.
            for (String id : new String[] {"one", "two"}) awaitGone(ctr, id);
            for (long pid : inits) awaitDead(pid);
            assertTrue(Containerd.mountsUnder(containerd.state()).isEmpty(), "no rootfs left mounted");
            assertTrue(containerd.logShows("cleaning up after shim disconnected"), "containerd cleaned up");

            run(ctr, image, "after"); // a new server: the dead one's start socket and links do not get in the way
            assertEquals(0, ctr.run("task", "exec", "--exec-id", "ok", "after", "true").exitCode());
            remove(ctr, "after");
            for (String id : new String[] {"one", "two"}) ctr.run("container", "delete", id);
        }
    }

    private static Containerd containerd(String bound) {
        return Containerd.start(Containerd.options().shimDir(ShimFixture.shimBin()).debug(true)
                .env("WASMJ_SHIM_GROUPS", bound).env("WASMJ_STANDBY_IDLE_SECONDS", "3"));
    }

    private static void run(Ctr ctr, String image, String id, String... options) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--runtime", RUNTIME));
        args.addAll(List.of(options));
        args.addAll(List.of(image, id, "sleep", "1000"));
        ctr.run(args.toArray(String[]::new)).orFail("run " + id);
        awaitStatus(ctr, id, "RUNNING");
    }

    /** The shim servers of this containerd, by the socket each listens on, with their JVMs. */
    private static Map<String, List<Long>> servers(Containerd containerd) {
        return ShimServers.in(containerd.address().getParent().resolve("s"));
    }

    private static List<Long> serverJvms(Containerd containerd) {
        return servers(containerd).values().stream().flatMap(List::stream).distinct().sorted().toList();
    }

    private static List<Long> serving(Containerd containerd, String id) throws Exception {
        return ShimServers.serving(Files.readString(containerd.bundle("group-it", id).resolve("address")));
    }

    private static long initPid(Ctr ctr, String id) {
        for (String line : ctr.run("task", "ls").stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(id)) return Long.parseLong(f[1]);
        }
        throw new AssertionError("no task " + id);
    }

    private static void awaitNoServer(Containerd containerd) throws InterruptedException {
        long deadline = System.nanoTime() + 40_000_000_000L;
        while (System.nanoTime() < deadline && !servers(containerd).isEmpty()) Thread.sleep(100);
        assertTrue(servers(containerd).isEmpty(), "every server exited: " + servers(containerd));
    }

    private static void awaitGone(Ctr ctr, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean listed = false;
            for (String line : ctr.run("task", "ls").stdout().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals(id) && !f[2].equals("STOPPED")) listed = true;
            }
            if (!listed) return;
            Thread.sleep(100);
        }
        throw new AssertionError("task " + id + " still running after its shim died:\n" + ctr.run("task", "ls").stdout());
    }

    private static void awaitDead(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && Files.exists(Path.of("/proc/" + pid))) Thread.sleep(100);
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the container's process " + pid + " ended");
    }

    private static List<String> socketDirEntries(Containerd containerd) throws Exception {
        Path dir = containerd.address().getParent().resolve("s");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> entries = Files.list(dir)) {
            // the start lock file stays (one, empty), as do standbys' directories
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".start.lock") && !n.startsWith("standby-")).sorted().toList();
        }
    }

    private static void remove(Ctr ctr, String id) throws InterruptedException {
        ctr.run("task", "kill", "-s", "SIGKILL", id).orFail("kill " + id);
        awaitStatus(ctr, id, "STOPPED");
        ctr.run("task", "delete", id).orFail("task delete " + id);
        ctr.run("container", "delete", id).orFail("container delete " + id);
    }
}
