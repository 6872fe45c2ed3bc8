package dev.wasmj.libcontainer.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.CgroupSetup;
import dev.wasmj.libcontainer.cgroups.Cgroups;
import dev.wasmj.libcontainer.process.InitLauncher;
import dev.wasmj.libcontainer.process.LaunchOptions;
import dev.wasmj.libcontainer.process.LaunchProfile;
import dev.wasmj.libcontainer.process.PrestartedInit;
import dev.wasmj.libcontainer.syscall.RecordingSyscalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool's bookkeeping, with fake inits (a recording syscall double) in cgroups of a temporary directory. */
class InitPoolTest {
    private static final LaunchProfile CTR = new LaunchProfile(List.of("java", "-Xmx32m", "Init"), "engine", 0x6c020000, List.of(), 0, 0, "/default");
    private static final LaunchProfile LIMITED = new LaunchProfile(List.of("java", "-Xmx8m", "Init"), "engine", 0x6c020000, List.of(), 0, 0, "/default");

    /** A pod's containers: they join a network namespace (this test's own, a real nsfs file). */
    private static final LaunchProfile POD = new LaunchProfile(List.of("java", "-Xmx32m", "Init"), "engine", 0x20020000,
            List.of(LaunchProfile.JoinedNamespace.at(0x40000000, "/proc/self/ns/net").orElseThrow()), 0, 0, "/pods/p1");

    @TempDir Path cgroupRoot;
    private final RecordingSyscalls sys = new RecordingSyscalls();
    private final AtomicInteger spawned = new AtomicInteger();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private InitPool pool;

    @AfterEach
    void close() {
        if (pool != null) pool.close();
    }

    /** Inits "spawned" through the recording syscalls (pid 4242 each), waiting (nothing to read on their sockets). */
    private InitPool pool(int capacity, Duration idle) {
        sys.pollAnswerForAll(0);
        pool = new InitPool(capacity, true, idle, log::add, (profile, cgroupPath) -> {
            CgroupManager parking = Cgroups.forContainer(CgroupSetup.unified(cgroupRoot), cgroupPath, "ready", sys);
            parking.create();
            spawned.incrementAndGet();
            return new InitPool.ReadyInit(new InitLauncher(sys).prestart(profile, parking.placementFiles()), parking);
        });
        return pool;
    }

    private void awaitSize(int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.size() != size) {
            assertTrue(System.nanoTime() < deadline, "pool size " + pool.size() + ", expected " + size + "; log " + log);
            Thread.sleep(5);
        }
    }

    @Test
    void aClaimTakesTheWaitingInitOfItsProfileOnlyOnce() throws Exception {
        pool(1, Duration.ofMinutes(1)).refill(CTR);
        awaitSize(1);
        assertTrue(pool.claim(LIMITED).isEmpty(), "another profile does not get it");
        Optional<InitPool.ReadyInit> claimed = pool.claim(CTR);
        assertTrue(claimed.isPresent());
        assertEquals(CTR, claimed.get().init().profile());
        assertTrue(claimed.get().parking().exists(), "its cgroup stays for the container to take over");
        assertTrue(pool.claim(CTR).isEmpty(), "claimed twice");
        assertEquals(0, sys.callsStartingWith("kill").size(), "a claimed init is not killed");
    }

    @Test
    void concurrentCreatesGetOneInitBetweenThem() throws Exception {
        pool(1, Duration.ofMinutes(1)).refill(CTR);
        awaitSize(1);
        ExecutorService creates = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<InitPool.ReadyInit>>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(creates.submit(() -> {
                go.await();
                return pool.claim(CTR);
            }));
        }
        go.countDown();
        int got = 0;
        for (Future<Optional<InitPool.ReadyInit>> r : results) got += r.get(5, TimeUnit.SECONDS).isPresent() ? 1 : 0;
        creates.shutdown();
        assertEquals(1, got, "exactly one create claims it; the others start fresh inits");
    }

    @Test
    void anInitThatDiedWhileWaitingIsRemovedAtItsClaim() throws Exception {
        pool(1, Duration.ofMinutes(1)).refill(CTR);
        awaitSize(1);
        sys.pollAnswerForAll(0x10); // POLLHUP: its end of the socket closed
        assertTrue(pool.claim(CTR).isEmpty(), "a dead init is not handed to a create");
        assertTrue(sys.calls().contains("waitpid(" + RecordingSyscalls.FAKE_PID + ", 0)"), "reaped: " + sys.calls());
        assertFalse(Cgroups.forContainer(CgroupSetup.unified(cgroupRoot), "/default/wasmj-ready-"
                + ProcessHandle.current().pid() + "-1", "x", sys).exists(), "its cgroup is removed");
        assertEquals(0, pool.size());
    }

    @Test
    void deadAndIdleInitsAreRemovedWithoutAClaim() throws Exception {
        pool(1, Duration.ofMillis(100)).refill(CTR);
        awaitSize(1);
        Thread.sleep(150);
        pool.removeEnded();
        assertEquals(0, pool.size());
        assertTrue(log.stream().anyMatch(l -> l.contains("unclaimed")), log.toString());
        assertTrue(sys.calls().contains("kill(" + RecordingSyscalls.FAKE_PID + ", 9)"), sys.calls().toString());
    }

    @Test
    void aFullPoolMakesRoomForTheNewestProfile() throws Exception {
        pool(1, Duration.ofMinutes(1)).refill(CTR);
        awaitSize(1);
        pool.refill(CTR); // one waits already: nothing to do
        awaitSize(1);
        assertEquals(1, spawned.get());
        pool.refill(LIMITED);
        awaitSize(1);
        Thread.sleep(50);
        assertTrue(pool.claim(CTR).isEmpty(), "the older profile's init made room");
        assertTrue(pool.claim(LIMITED).isPresent());
    }

    @Test
    void closeEndsEveryWaitingInitAndStartsNoMore() throws Exception {
        pool(2, Duration.ofMinutes(1)).refill(CTR);
        pool.refill(LIMITED);
        awaitSize(2);
        pool.close();
        assertEquals(0, pool.size());
        assertEquals(2, sys.callsStartingWith("kill").size());
        pool.refill(CTR);
        Thread.sleep(50);
        assertEquals(0, pool.size());
        assertEquals(2, spawned.get(), "no init started after close");
    }

    @Test
    void capacityZeroStartsNoneButAPodsAndWithoutPodsIsOff() throws Exception {
        pool(0, Duration.ofMinutes(1));
        assertTrue(pool.enabled(), "a server for one group still starts its pod's");
        pool.refill(CTR);
        Thread.sleep(50);
        assertEquals(0, pool.size());
        assertEquals(0, spawned.get());
        pool.prestartForPod("sandbox-1", POD);
        awaitSize(1);
        pool.close();
        pool = new InitPool(0, false, Duration.ofMinutes(1), log::add, (profile, cgroupPath) -> {
            throw new AssertionError("no spawn");
        });
        assertFalse(pool.enabled());
        pool.prestartForPod("sandbox-2", POD);
        pool.refill(POD);
        Thread.sleep(50);
        assertEquals(0, pool.size());
    }

    /**
     * The spawn of a pre-started init: its command with --ready and the executor to warm up, /dev/null in every fd
     * slot a container's fd will take; then the claim's fds in one message, their slots as its text, the rootfs
     * tree last; the claim completes once the init acknowledges.
     */
    @Test
    void aPrestartedInitKeepsTheSlotsAndAHandOverFillsThem() throws Exception {
        PrestartedInit init = new InitLauncher(sys).prestart(CTR, List.of(Path.of("/sys/fs/cgroup/x/cgroup.procs")));
        String spawn = sys.callsStartingWith("spawn(").get(0);
        assertTrue(spawn.endsWith(", Init, --ready, engine, /sys/fs/cgroup/x])"), spawn);
        List<String> opens = sys.callsStartingWith("open(");
        assertTrue(opens.get(0).startsWith("open(/dev/null, "), opens.toString());
        // The double's fd numbers: the socketpair 1000 and 1001, /dev/null 1002, the cgroup.procs file 1003.
        assertEquals("childFds({0=1002, 1=1002, 2=1002, 3=1001, 4=1002, 5=1002, 6=1002, 7=1002, 8=1002, 9=1002})",
                sys.callsStartingWith("childFds").get(0), "/dev/null in every slot, the init's end of the socket at 3");

        sys.readsInput(new byte[] {(byte) dev.wasmj.libcontainer.process.SyncChannel.Type.CLAIMED.ordinal(), 0, 0});
        LaunchOptions options = new LaunchOptions().stdio(11, 12, 13).logFd(14).consoleSocket(15);
        init.handOver(options, List.of(Path.of("/run/b/rootfs")));
        List<String> sent = sys.callsStartingWith("sendFds");
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).matches("sendFds\\(\\d+, \\[14, 14, 11, 12, 13, 15, \\d+\\], 1,2,4,5,6,9\\|/run/b/rootfs\\)"), sent.get(0));
        assertTrue(sys.calls().contains("openTreeClone(/run/b/rootfs)"));
    }

    @Test
    void aHandOverThatIsNotAcknowledgedFails() throws Exception {
        PrestartedInit init = new InitLauncher(sys).prestart(CTR, List.of());
        // The double's reads see end of file: the init exited instead of acknowledging.
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> init.handOver(new LaunchOptions(), List.of()));
        assertTrue(e.getMessage().contains("did not take its claim: it exited"), e.getMessage());
    }

    @Test
    void aPodsInitWaitsBesideTheCapacityIsFollowedAfterItsClaimAndEndsWithItsPod() throws Exception {
        pool(1, Duration.ofMinutes(1)).refill(CTR);
        awaitSize(1);
        pool.refill(POD);
        Thread.sleep(50);
        assertEquals(1, pool.size(), "no init for a pod this server did not create the sandbox of");
        pool.prestartForPod("sandbox-1", POD);
        awaitSize(2);
        assertTrue(pool.claim(CTR).isPresent(), "the pod's init took no room from a ctr container's");
        assertTrue(pool.claim(POD).isPresent());
        pool.refill(POD);
        awaitSize(1);
        LaunchProfile smallerHeap = new LaunchProfile(List.of("java", "-Xmx8m", "Init"), "engine", POD.newNamespaces(),
                POD.joined(), 0, 0, "/pods/p1");
        pool.refill(smallerHeap);
        Thread.sleep(100);
        awaitSize(1);
        assertTrue(pool.claim(POD).isEmpty() && pool.claim(smallerHeap).isPresent(), "one per pod: the newer kind replaced it");
        pool.refill(POD);
        awaitSize(1);
        int kills = sys.callsStartingWith("kill").size();
        pool.endPod("sandbox-1");
        assertEquals(0, pool.size(), "the pod's waiting init ends with its sandbox");
        assertEquals(kills + 1, sys.callsStartingWith("kill").size(), sys.calls().toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("ends with its sandbox")), log.toString());
        pool.refill(POD);
        Thread.sleep(50);
        assertEquals(0, pool.size(), "none starts for an ended pod");
    }
}
