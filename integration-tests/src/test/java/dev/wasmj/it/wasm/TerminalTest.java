package dev.wasmj.it.wasm;

import static dev.wasmj.it.wasm.WasmFixture.PLATFORM;
import static dev.wasmj.it.wasm.WasmFixture.RUNTIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.support.TestTerminal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Terminals, as an operator uses them: {@code ctr run -t} and {@code ctr task exec -t} on a pseudo-terminal of
 * the test (ctr's own terminal), a busybox shell driven by typing into it, window sizes, exit codes, and a Wasm
 * module on a terminal.
 */
class TerminalTest {
    private static final Duration SHOWN = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;
    static Containerd containerd;
    static Ctr ctr;
    static String busybox;
    static String probe;

    @BeforeAll
    static void start() {
        RootOnly.check();
        containerd = WasmFixture.containerd();
        ctr = containerd.ctr("tty-it");
        busybox = OciImage.busybox("docker.io/wasmj/busybox:tty").build(tmp.resolve("busybox.tar")).importInto(ctr);
        probe = WasmFixture.probeImage(ctr, tmp);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) containerd.close();
    }

    private static List<String> ctrCommand(String... args) {
        return ctr.command(List.of(args));
    }

    private static int exitOf(Process p) throws InterruptedException {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ctr ended");
        return p.exitValue();
    }

    /** SIGWINCH to ctr: it reads its terminal's new size and sends ResizePty. */
    private static void winch(Process ctrProcess) {
        Containerd.signal(ctrProcess.pid(), "SIGWINCH");
    }

    @Test
    void ctrRunTOfABusyboxShellIsDrivenThroughTheTerminal() throws Exception {
        try (TestTerminal tty = new TestTerminal(24, 80)) {
            Process run = tty.start(ctrCommand("run", "-t", "--rm", "--runtime", RUNTIME, busybox, "tty-sh", "sh"));
            tty.type("echo $((6*7))\r");
            tty.await("42", SHOWN);
            // ctr sends its terminal's size (ResizePty) just after Start: a shell may run a command before.
            assertTrue(containerd.logShows("terminal of tty-sh resized to 80x24"), "ctr's initial ResizePty");
            tty.type("stty size\r");
            tty.await("24 80", SHOWN);
            tty.resize(30, 100);
            winch(run);
            assertTrue(containerd.logShows("terminal of tty-sh resized to 100x30"), "ResizePty after SIGWINCH");
            tty.type("stty size\r");
            tty.await("30 100", SHOWN);
            tty.type("exit 3\r");
            assertEquals(3, exitOf(run));
        }
        assertTrue(containerd.logShows("terminal of tty-sh set up"), "the shim log says so (debug)");
        assertTrue(containerd.logShows("terminal of tty-sh torn down"));
    }

    @Test
    void ctrTaskExecTRunsAShellInARunningContainer() throws Exception {
        ctr.run("run", "-d", "--runtime", RUNTIME, busybox, "tty-exec", "sleep", "1000").orFail("run -d");
        try (TestTerminal tty = new TestTerminal(25, 90)) {
            Process exec = tty.start(ctrCommand("task", "exec", "-t", "--exec-id", "sh1", "tty-exec", "sh"));
            tty.type("echo $((6*7)) from exec\r");
            tty.await("42 from exec", SHOWN);
            assertTrue(containerd.logShows("terminal of tty-exec exec sh1 resized to 90x25"), "ctr's initial ResizePty");
            tty.type("stty size; tty\r");
            tty.await("25 90", SHOWN);
            tty.await("/dev/pts/", SHOWN);
            tty.type("exit 5\r");
            assertEquals(5, exitOf(exec));
        } finally {
            ctr.run("task", "kill", "-s", "SIGKILL", "tty-exec");
            ctr.run("task", "delete", "tty-exec");
            ctr.run("container", "delete", "tty-exec");
        }
    }

    /**
     * exec -t opens a pty in the container's root as the shim, root on the host: a container whose init chroots into
     * a directory where dev/pts/ptmx is a symlink to a host device must not make the shim open that device.
     */
    @Test
    void execTIntoAContainerThatRearrangedItsRootOpensNothingOfTheHost() throws Exception {
        String jail = "b=/bin/busybox; $b mkdir -p /jail/dev/pts /jail/bin && $b cp $b /jail/bin/busybox"
                + " && $b ln -s /dev/console /jail/dev/pts/ptmx && exec $b chroot /jail /bin/busybox sleep 1000";
        ctr.run("run", "-d", "--runtime", RUNTIME, busybox, "tty-jail", "sh", "-c", jail).orFail("run -d");
        try {
            Thread.sleep(500); // the init is in its chroot
            try (TestTerminal tty = new TestTerminal(24, 80)) {
                Process exec = tty.start(ctrCommand("task", "exec", "-t", "--exec-id", "peek", "tty-jail", "/bin/busybox", "sh"));
                String shown = tty.await("in the container's root", SHOWN);
                assertTrue(exitOf(exec) != 0, "exec -t fails: " + shown);
            }
        } finally {
            ctr.run("task", "kill", "-s", "SIGKILL", "tty-jail");
            ctr.run("task", "delete", "tty-jail");
            ctr.run("container", "delete", "tty-jail");
        }
    }

    /** The user's ctr goes away (its terminal closed): the shell is hung up and ends, as under runc. */
    @Test
    void aShellWhoseUserWentAwayIsHungUp() throws Exception {
        try (TestTerminal tty = new TestTerminal(24, 80)) {
            Process run = tty.start(ctrCommand("run", "-t", "--runtime", RUNTIME, busybox, "tty-hup", "sh"));
            tty.type("echo $((6*7))\r");
            tty.await("42", SHOWN);
            run.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
            ctr.awaitTaskStatus("tty-hup", "STOPPED", Duration.ofSeconds(20));
            assertTrue(containerd.logShows("terminal of tty-hup: its input went away, hanging up"));
        } finally {
            ctr.run("task", "delete", "tty-hup");
            ctr.run("container", "delete", "tty-hup");
        }
    }

    @Test
    void aWasmModuleOnATerminalSeesATerminalAndEchoesATypedLine() throws Exception {
        try (TestTerminal tty = new TestTerminal(24, 80)) {
            Process run = tty.start(ctrCommand("run", "-t", "--rm", "--platform", PLATFORM, "--runtime", RUNTIME, probe,
                    "tty-wasm", "/probe.wasm", "tty"));
            tty.await("tty: 0=1 1=1 2=1", SHOWN);
            tty.type("typed on a terminal\r");
            tty.await("echo: typed on a terminal", SHOWN);
            assertEquals(0, exitOf(run));
        }
    }

    @Test
    void fiftyTerminalContainersLeaveNoFdThreadOrPtyInTheirShim() throws Exception {
        // One shim for all of them (as a pod's): a keeper container holds it open between the terminal ones.
        String group = "io.kubernetes.cri.sandbox-id=tty-group";
        ctr.run("run", "-d", "--runtime", RUNTIME, "--annotation", group, busybox, "tty-keeper", "sleep", "1000")
                .orFail("run the keeper");
        try {
            runOnTerminal(group, "tty-warm"); // the first one loads the classes and starts the threads that stay
            long server = serverOf("tty-keeper");
            List<String> fdsBefore = fds(server);
            List<String> threadsBefore = unpooled(threads(server));
            for (int i = 0; i < 50; i++) runOnTerminal(group, "tty-" + i);
            Thread.sleep(1000); // copies end within their poll interval
            List<String> fdsAfter = fds(server);
            assertEquals(fdsBefore.size(), fdsAfter.size(), "fds of the shim before and after: " + fdsBefore + " / " + fdsAfter);
            assertTrue(fdsAfter.stream().noneMatch(l -> l.contains("ptmx") || l.contains("/dev/pts")), "no pty held: " + fdsAfter);
            List<String> threads = threads(server);
            assertTrue(threads.stream().noneMatch(t -> t.startsWith("tty-")), "no terminal copier left: " + threads);
            assertEquals(threadsBefore, unpooled(threads), "the same threads as before, the pools aside");
        } finally {
            ctr.run("task", "kill", "-s", "SIGKILL", "tty-keeper");
            ctr.run("task", "delete", "tty-keeper");
            ctr.run("container", "delete", "tty-keeper");
        }
    }

    private static void runOnTerminal(String annotation, String id) throws Exception {
        try (TestTerminal tty = new TestTerminal(24, 80)) {
            Process run = tty.start(ctrCommand("run", "-t", "--rm", "--runtime", RUNTIME, "--annotation", annotation, busybox,
                    id, "sh", "-c", "echo done-$((40+2))"));
            tty.await("done-42", SHOWN);
            assertEquals(0, exitOf(run), id);
        }
    }

    private static long serverOf(String id) throws IOException {
        String address = java.nio.file.Files.readString(containerd.bundle("tty-it", id).resolve("address")).trim();
        List<Long> servers = dev.wasmj.it.support.ShimServers.serving(address);
        assertEquals(1, servers.size(), servers.toString());
        return servers.get(0);
    }

    /** The shim's open fds, as "fd -> target". */
    private static List<String> fds(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        try (var dir = java.nio.file.Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : dir.toList()) {
                try {
                    out.add(fd.getFileName() + " -> " + java.nio.file.Files.readSymbolicLink(fd));
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Without the pools whose size varies by itself: the ttrpc server's workers (they grow with concurrent calls up
     * to a bound and stay) and the JVM's JIT compiler threads (started and stopped as compilation demands).
     */
    private static List<String> unpooled(List<String> threads) {
        return threads.stream().filter(t -> !t.startsWith("ttrpc-worker") && !t.matches("C[12] CompilerThre.*")).toList();
    }

    /** The names of the shim's threads. */
    private static List<String> threads(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        try (var dir = java.nio.file.Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : dir.toList()) {
                try {
                    out.add(java.nio.file.Files.readString(t.resolve("comm")).trim());
                } catch (IOException gone) {
                    // ended while listed
                }
            }
        }
        out.sort(null);
        return out;
    }
}
