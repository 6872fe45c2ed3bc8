package dev.wasmj.it.shim;

import static dev.wasmj.it.shim.ShimFixture.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.wasm.WasmFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Init JVMs started before their containers (docs/performance.md): after a container's create the server starts
 * the next init of that kind, born in its own new namespaces and a cgroup beside the container's; the next create
 * of the same kind claims it (its cgroup renamed to the container's, so its memory stays charged there, the
 * container's limits applied, its rootfs sent along) and one of another kind starts fresh. A waiting init that
 * died is replaced, and none outlives its server or its containerd or leaves a cgroup behind.
 */
class PrestartedInitTest {
    private static final String NS = "prestart-it";
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");

    @TempDir
    Path tmp;

    @BeforeEach
    void requirements() {
        RootOnly.check();
        // Pre-started inits need a cgroup rename, which cgroup v1 has and v2 has not (docs/performance.md).
        assumeTrue(Files.exists(MEMORY.resolve("cgroup.procs")), "no cgroup v1 memory hierarchy: pre-started inits are off on this host");
    }

    @Test
    void theNextContainerClaimsTheInitStartedForItWithItsChargesAndLimits() throws Exception {
        try (Containerd containerd = containerd()) {
            Ctr ctr = containerd.ctr(NS);
            String image = WasmFixture.probeImage(ctr, tmp);
            runDetached(ctr, image, "first");
            long waiting = awaitWaitingInit(containerd, ctr, -1);
            assertTrue(containerd.logShows("create first: no pre-started init of its kind waits"), "the first starts fresh");

            // Output and exit status as ever, from the init that was waiting, and the container's rootfs in its view.
            Ctr.Result hello = ctr.run(WasmFixture.runArgs(List.of(), image, "hello", "/probe.wasm", "cat", "/etc/greeting")
                    .toArray(String[]::new));
            assertEquals(0, hello.exitCode(), hello.toString());
            assertEquals(WasmFixture.GREETING, hello.stdout(), hello.toString());
            assertTrue(containerd.logShows("create hello: claimed the init pre-started"), "claimed");
            assertTrue(containerd.logShows("(pid " + waiting + ", cgroup /" + NS + "/wasmj-ready-"), "the waiting one, pid " + waiting);

            // A container with a memory limit whose init heap is the default one's (limit / 4 >= 32 MiB): claimed too.
            long next = awaitWaitingInit(containerd, ctr, waiting);
            runDetached(ctr, image, "limited", "--memory-limit", Long.toString(256L << 20));
            assertEquals(next, initPid(ctr, "limited"), "the task's process is the init that waited");
            assertEquals("/" + NS + "/limited", cgroupOf(next, "memory"), "its cgroup is the container's now");
            Path cgroup = MEMORY.resolve(NS).resolve("limited");
            assertEquals(Long.toString(256L << 20), Files.readString(cgroup.resolve("memory.limit_in_bytes")).trim(), "the limit applies");
            // All of the JVM's anonymous memory, most of it touched before the claim (heap, metaspace, the warm-up),
            // is charged to the container: a move instead of the rename would have left that part behind.
            long charged = Long.parseLong(Files.readString(cgroup.resolve("memory.usage_in_bytes")).trim());
            long anon = rssAnonBytes(next);
            assertTrue(anon > 8L << 20 && charged >= anon, "charged to the container " + charged + ", the JVM's anonymous memory " + anon);
            assertNotEquals(namespace(next, "mnt"), namespace(containerd.pid(), "mnt"), "its own mount namespace");
            assertNotEquals(namespace(next, "pid"), namespace(containerd.pid(), "pid"), "its own pid namespace");
            assertNotEquals(namespace(next, "net"), namespace(containerd.pid(), "net"), "its own network namespace");

            // Another kind of init (a smaller heap): it starts fresh and works.
            runDetached(ctr, image, "small", "--memory-limit", Long.toString(120L << 20));
            assertTrue(containerd.logShows("create small: no pre-started init of its kind waits"), "not claimed");
            assertNotEquals(next, initPid(ctr, "small"));

            for (String id : new String[] {"first", "limited", "small"}) remove(ctr, id);
            List<String> parked = parkedCgroups(List.copyOf(containerd.shimProcesses().keySet()));
            assertEquals(1, parked.size(), "one init waits, in one cgroup: " + parked + "\n" + poolLines(containerd));
        }
    }

    @Test
    void aWaitingInitThatDiedIsReplacedAndLeavesNothing() throws Exception {
        try (Containerd containerd = containerd()) {
            Ctr ctr = containerd.ctr(NS);
            String image = WasmFixture.probeImage(ctr, tmp);
            runDetached(ctr, image, "first");
            long waiting = awaitWaitingInit(containerd, ctr, -1);
            Containerd.signal(waiting, "KILL");

            runDetached(ctr, image, "second"); // claims nothing dead: a fresh init, or the replacement
            assertNotEquals(waiting, initPid(ctr, "second"));
            assertTrue(containerd.logShows("pre-started init pid " + waiting + " had ended: removed"), "noticed and removed");
            assertFalse(Files.exists(Path.of("/proc/" + waiting)), "reaped: no zombie");
            long replacement = awaitWaitingInit(containerd, ctr, waiting);
            assertEquals(List.of(cgroupOf(replacement, "memory").substring(NS.length() + 2)),
                    parkedCgroups(List.copyOf(containerd.shimProcesses().keySet())),
                    "only the replacement's cgroup is left");
            for (String id : new String[] {"first", "second"}) remove(ctr, id);
        }
    }

    /** A server killed with no container left: nothing runs the shim's delete, so its waiting init cleans up itself. */
    @Test
    void aWaitingInitWhoseServerIsKilledRemovesItsOwnCgroup() throws Exception {
        try (Containerd containerd = containerd()) {
            Ctr ctr = containerd.ctr(NS);
            String image = WasmFixture.probeImage(ctr, tmp);
            runDetached(ctr, image, "only");
            long waiting = awaitWaitingInit(containerd, ctr, -1);
            List<Long> server = List.of(parentOf(waiting));
            remove(ctr, "only");
            assertEquals(1, parkedCgroups(server).size(), "the server stays, listening, with its waiting init");

            Containerd.signal(server.get(0), "KILL");
            awaitDead(waiting);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!parkedCgroups(server).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(List.of(), parkedCgroups(server), "the init left its cgroup and removed it");
            assertTrue(Files.exists(MEMORY.resolve(NS)), "its parent stays (containerd's)");
        }
    }

    @Test
    void noWaitingInitOutlivesItsContainerdOrItsServer() throws Exception {
        try (Containerd containerd = containerd()) {
            Ctr ctr = containerd.ctr(NS);
            String image = WasmFixture.probeImage(ctr, tmp);
            runDetached(ctr, image, "first");
            long container = initPid(ctr, "first");
            long waiting = awaitWaitingInit(containerd, ctr, -1);
            List<Long> server = List.of(parentOf(waiting));

            // containerd stops (its socket goes): the waiting init ends, the container goes on, as a shim's do.
            containerd.kill("TERM");
            assertTrue(containerd.waitForExit(Duration.ofSeconds(20)), "containerd stopped");
            awaitDead(waiting);
            long removed = System.nanoTime() + 10_000_000_000L; // the server removes it once it has seen the init die
            while (!parkedCgroups(server).isEmpty() && System.nanoTime() < removed) Thread.sleep(50);
            assertEquals(List.of(), parkedCgroups(server), "its cgroup is removed");
            assertTrue(Files.exists(Path.of("/proc/" + container)), "the running container is not touched");

            containerd.restart();
            awaitStatus(ctr, "first", "RUNNING");
            runDetached(ctr, image, "second"); // the server still serves; a new waiting init follows
            long again = awaitWaitingInit(containerd, ctr, waiting);

            // Its server killed: the waiting init ends with it, and the shim's delete for the server's containers
            // removes the cgroup it waited in.
            List<Long> killed = List.of(parentOf(again));
            Containerd.signal(killed.get(0), "KILL");
            awaitDead(again);
            for (String id : new String[] {"first", "second"}) awaitNotRunning(ctr, id);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!parkedCgroups(killed).isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
            assertEquals(List.of(), parkedCgroups(killed), "the dead server's waiting cgroup is swept\n" + poolLines(containerd));
            for (String id : new String[] {"first", "second"}) ctr.run("container", "delete", id);
        }
    }

    /** The log's lines about starting, claiming and removing inits, for failure messages. */
    private static String poolLines(Containerd containerd) {
        return containerd.logText().lines().filter(l -> l.contains("pre-start") || l.contains("listening on") || l.contains("sweep")
                || l.contains("answered by") || l.contains("create ")).map(l -> l.replaceFirst("^time=\\S+ ", ""))
                .reduce("", (a, b) -> a + b + "\n");
    }

    private static Containerd containerd() {
        return Containerd.start(Containerd.options().shimDir(WasmFixture.shimBin()).debug(true)
                .env("WASMJ_STANDBY_IDLE_SECONDS", "60"));
    }

    private static void runDetached(Ctr ctr, String image, String id, String... options) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--platform", WasmFixture.PLATFORM, "--runtime", WasmFixture.RUNTIME));
        args.addAll(List.of(options));
        args.addAll(List.of(image, id, "/probe.wasm", "sleep"));
        ctr.run(args.toArray(String[]::new)).orFail("run " + id);
        awaitStatus(ctr, id, "RUNNING");
    }

    /** The init waiting for a container now (a shim server's child with --ready, no task's), other than {@code not}. */
    private static long awaitWaitingInit(Containerd containerd, Ctr ctr, long not) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Long> tasks = new ArrayList<>();
            for (String line : ctr.run("task", "ls").stdout().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[1].matches("\\d+")) tasks.add(Long.parseLong(f[1]));
            }
            for (long pid : Containerd.processesMentioning("--ready").keySet()) {
                String cmd = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
                if (!cmd.contains("InitMain") || tasks.contains(pid) || pid == not) continue;
                if (!containerd.shimProcesses().containsKey(parentOf(pid))) continue;
                if (cgroupOf(pid, "memory").startsWith("/" + NS + "/wasmj-ready-")) return pid;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no init waits for a container; log:\n" + containerd.logText());
    }

    /**
     * The cgroups of namespace NS where inits of these servers wait ("wasmj-ready-<server pid>-<n>"), in the memory
     * hierarchy. (A test before may have left one of a server its containerd's cleanup killed; the next pre-start
     * beside it removes it.)
     */
    private static List<String> parkedCgroups(List<Long> servers) throws Exception {
        Path dir = MEMORY.resolve(NS);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> servers.stream().anyMatch(pid -> n.startsWith("wasmj-ready-" + pid + "-"))).sorted().toList();
        }
    }

    private static String cgroupOf(long pid, String controller) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) return f[2];
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }

    private static long rssAnonBytes(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("RssAnon:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
        }
        throw new AssertionError("no RssAnon for " + pid);
    }

    private static long parentOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static String namespace(long pid, String kind) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + kind)).toString();
    }

    private static long initPid(Ctr ctr, String id) {
        for (String line : ctr.run("task", "ls").stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals(id)) return Long.parseLong(f[1]);
        }
        throw new AssertionError("no task " + id);
    }

    private static void awaitDead(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && Files.exists(Path.of("/proc/" + pid))) Thread.sleep(100);
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "process " + pid + " ended");
    }

    private static void awaitNotRunning(Ctr ctr, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean running = false;
            for (String line : ctr.run("task", "ls").stdout().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals(id) && f[2].equals("RUNNING")) running = true;
            }
            if (!running) return;
            Thread.sleep(100);
        }
        throw new AssertionError("task " + id + " still running after its shim died");
    }

    private static void remove(Ctr ctr, String id) throws InterruptedException {
        ctr.run("task", "kill", "-s", "SIGKILL", id).orFail("kill " + id);
        awaitStatus(ctr, id, "STOPPED");
        ctr.run("task", "delete", id).orFail("task delete " + id);
        ctr.run("container", "delete", id).orFail("container delete " + id);
    }
}
