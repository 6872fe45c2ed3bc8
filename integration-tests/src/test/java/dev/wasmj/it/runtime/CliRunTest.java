package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** `libcontainer-j run` of busybox: what the container prints, sees and returns. */
class CliRunTest extends ContainerTestBase {
    @Test
    void echoReachesStdout() {
        BusyboxBundle b = BusyboxBundle.create(tmp, "echo", "hello from busybox");
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "echo1");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("hello from busybox\n", r.stdout(), r.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 255})
    void exitCodeIsTheContainers(int code) {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("exit " + code);
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "exit" + code);
        assertEquals(code, r.exitCode(), r.toString());
    }

    @Test
    void containerIsPidOneWithItsOwnHostnameAndOnlyItsRootfs() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo pid=$$; hostname; ls /; cat /etc/hostname-in-image");
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "isolated");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.stdout().lines().collect(Collectors.toList());
        assertEquals("pid=1", lines.get(0));
        assertEquals("busybox-test", lines.get(1));
        List<String> expectedRoot;
        try (var s = Files.list(b.rootfs())) {
            expectedRoot = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        List<String> seenRoot = lines.subList(2, lines.size() - 1).stream()
                .flatMap(l -> Arrays.stream(l.trim().split("\\s+"))).sorted().collect(Collectors.toList());
        assertEquals(expectedRoot, seenRoot, "the container's / is its rootfs");
        assertEquals("image", lines.get(lines.size() - 1));
    }

    @Test
    void workloadSeesOnlyStdioFds() {
        // ls (a child) lists the fds of PID 1, the workload; "; true" keeps the shell from exec'ing ls.
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("ls /proc/1/fd; true");
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "fds");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("0", "1", "2"), r.stdout().lines().sorted().collect(Collectors.toList()), r.toString());
    }

    @Test
    void containerHasItsOwnCgroupNamespaceAndNetwork() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("cat /proc/self/cgroup; ls /sys/class/net");
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "ns");
        assertEquals(0, r.exitCode(), r.toString());
        for (String line : r.stdout().lines().filter(l -> l.contains(":/")).collect(Collectors.toList())) {
            assertTrue(line.endsWith(":/"), "cgroup paths are relative to the container's cgroup: " + line);
        }
        assertEquals(List.of("lo"), r.stdout().lines().filter(l -> !l.contains(":")).collect(Collectors.toList()));
    }

    /** Debian 12's JDK is 17; the runtime must also run on 21 and 25 (Temurin 25 where the machine has it). */
    @Test
    void runsTheSameOnJdk25WithoutWarnings() {
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jdk25.resolve("bin/java")), "no JDK 25 here");
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo pid=$$; exit 7");
        Cli.Result r = new Cli(tmp.resolve("state25"), jdk25).run("run", "--bundle", b.dir().toString(), "on25");
        assertEquals(7, r.exitCode(), r.toString());
        assertEquals("pid=1\n", r.stdout(), r.toString());
        assertEquals("", r.stderr(), "no JVM warning (native access) reaches the user: " + r);
    }

    @Test
    void createStartStateDelete() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("sleep 30");
        Path pidFile = tmp.resolve("pid");
        Cli.Result created = cli.run("create", "--bundle", b.dir().toString(), "--pid-file", pidFile.toString(), "c1");
        assertEquals(0, created.exitCode(), created.toString());
        try {
            assertTrue(cli.run("state", "c1").stdout().contains("\"status\" : \"created\""));
            assertTrue(Files.exists(pidFile));
            Cli.Result started = cli.run("start", "c1");
            assertEquals(0, started.exitCode(), started.toString());
            assertTrue(cli.run("state", "c1").stdout().contains("\"status\" : \"running\""));
            Cli.Result refused = cli.run("delete", "c1");
            assertEquals(1, refused.exitCode());
            assertTrue(refused.stderr().contains("not stopped"), refused.toString());
            Cli.Result ps = cli.run("ps", "c1");
            assertTrue(ps.stdout().lines().count() >= 2, ps.toString());
        } finally {
            Cli.Result deleted = cli.run("delete", "--force", "c1");
            assertEquals(0, deleted.exitCode(), deleted.toString());
        }
        Cli.Result gone = cli.run("state", "c1");
        assertEquals(1, gone.exitCode());
        assertTrue(gone.stderr().contains("container \"c1\" does not exist"), gone.toString());
        assertFalse(Files.exists(tmp.resolve("state/c1")));
    }
}
