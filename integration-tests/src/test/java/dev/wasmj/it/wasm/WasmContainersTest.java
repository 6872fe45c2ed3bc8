package dev.wasmj.it.wasm;

import static dev.wasmj.it.wasm.WasmFixture.PLATFORM;
import static dev.wasmj.it.wasm.WasmFixture.RUNTIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.support.RootOnly;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wasm modules as containers, the way a user runs them: a wasi/wasm image built from this repository's
 * sources (C and WAT), imported into a real containerd and run with ctr through the shipped shim.
 */
class WasmContainersTest {
    private static final Duration STOP = Duration.ofSeconds(10);

    @TempDir
    static Path tmp;
    static Containerd containerd;
    static Ctr ctr;
    static String image;

    @BeforeAll
    static void start() {
        RootOnly.check();
        containerd = WasmFixture.containerd();
        ctr = containerd.ctr("wasm-it");
        image = WasmFixture.probeImage(ctr, tmp);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) containerd.close();
    }

    private static Ctr.Result run(String id, String... args) {
        return ctr.run(WasmFixture.runArgs(List.of(), image, id, args).toArray(String[]::new));
    }

    private static Ctr.Result run(List<String> options, String id, String... args) {
        return ctr.run(WasmFixture.runArgs(options, image, id, args).toArray(String[]::new));
    }

    /** Starts a long-running module detached ({@code run -d}) and waits for its "ready". */
    private static void startDetached(String id, String mode) {
        ctr.run("run", "-d", "--platform", PLATFORM, "--runtime", RUNTIME, image, id, "/probe.wasm", mode)
                .orFail("run -d " + id);
        ctr.awaitTaskStatus(id, "RUNNING", Duration.ofSeconds(20));
    }

    private static void remove(String id) {
        ctr.run("task", "delete", id);
        ctr.run("container", "delete", id).orFail("container delete " + id);
    }

    @Test
    void helloPrintsItsOutputAndExitsZero() {
        Ctr.Result r = run("hello", "/hello.wasm");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("hello from a WAT module\n", r.stdout());
        assertEquals("", r.stderr(), "nothing of the JVM's own reaches the container's stderr");
    }

    @Test
    void theImageEntrypointRunsWithArgsAsGivenSpacesIncluded() {
        Ctr.Result r = run("args", "/probe.wasm", "args", "two words", "", "x");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("[/probe.wasm]\n[args]\n[two words]\n[]\n[x]\n", r.stdout());
    }

    @Test
    void envComesFromTheImageAndFromTheCommandLineOnly() {
        Ctr.Result r = run(List.of("--env", "EXTRA=from ctr run"), "env", "/probe.wasm", "env", "GREETING", "EXTRA",
                "JAVA_HOME", "HOME");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.lines();
        assertEquals("GREETING=from the image", lines.get(0));
        assertEquals("EXTRA=from ctr run", lines.get(1));
        assertEquals("JAVA_HOME unset", lines.get(2), "the init JVM's environment is not the module's");
    }

    @Test
    void exitCodesReachCtr() {
        assertEquals(0, run("exit0", "/probe.wasm", "exit", "0").exitCode());
        assertEquals(3, run("exit3", "/probe.wasm", "exit", "3").exitCode());
        assertEquals(255, run("exit255", "/probe.wasm", "exit", "255").exitCode());
    }

    @Test
    void aFileFromTheImageIsReadAndOneIsWrittenToTheWritableRootfs() {
        Ctr.Result read = run("read", "/probe.wasm", "cat", "/etc/greeting");
        assertEquals(0, read.exitCode(), read.toString());
        assertEquals(WasmFixture.GREETING, read.stdout());
        Ctr.Result write = run("write", "/probe.wasm", "write", "/tmp/written.txt", "written in the container");
        assertEquals(0, write.exitCode(), write.toString());
        assertEquals("written in the container", write.stdout());
        Ctr.Result fresh = run("fresh", "/probe.wasm", "cat", "/tmp/written.txt");
        assertNotEquals(0, fresh.exitCode(), "each container has its own writable layer: " + fresh);
        assertTrue(fresh.stderr().contains("/tmp/written.txt"), fresh.toString());
    }

    @Test
    void stdinIsPipedThroughCtrRun() {
        byte[] input = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
        Ctr.Result r = ctr.runWithInput(input, WasmFixture.runArgs(List.of(), image, "stdin", "/probe.wasm", "stdin")
                .toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("line one\nline two\n(18 bytes)\n", r.stdout());
    }

    @Test
    void stderrIsSeparateFromStdout() {
        Ctr.Result r = run("stderr", "/probe.wasm", "stderr", "to stdout", "to stderr");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("to stdout\n", r.stdout());
        assertEquals("to stderr\n", r.stderr());
    }

    @Test
    void aTrapFailsTheContainerWithTheTrapInTheLog() {
        Ctr.Result r = run("trap", "/trap.wasm");
        assertEquals(134, r.exitCode(), "a trap ends the container as abort() ends a native program: " + r);
        assertEquals("about to trap\n", r.stdout(), "output before the trap is kept");
        assertEquals("", r.stderr(), "the reason goes to the log, not to the container's stderr");
        String log = containerd.logText();
        assertTrue(log.matches("(?s).*/trap.wasm: wasm trap in _start: unreachable code reached\" id=\"trap\".*"),
                "the trap is in the shim log:\n" + log);
    }

    @Test
    void aBrokenModuleFailsAtCreateWithTheReasonInTheLogAndTheShimKeepsServing() {
        Ctr.Result r = run("broken", "/broken.wasm");
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("/broken.wasm"), "ctr shows which module failed: " + r);
        assertTrue(containerd.logText().matches("(?s).*/broken.wasm: cannot load the module[^\\n]*id=broken\\b.*"),
                "the shim log has the reason");
        ctr.run("container", "delete", "broken");
        assertEquals(0, run("after-broken", "/hello.wasm").exitCode());
    }

    @Test
    void aFileThatIsNeitherWasmNorAnExecutableIsRefusedByName() {
        Ctr.Result r = run("text", "/app.txt");
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("/app.txt is neither a Wasm module nor a Linux executable"), r.toString());
        assertTrue(containerd.logShows("/app.txt is neither a Wasm module nor a Linux executable"));
        ctr.run("container", "delete", "text");
    }

    @Test
    void killEndsASleepingAndASpinningModule() {
        startDetached("sleeper", "sleep");
        ctr.run("task", "kill", "sleeper").orFail("kill");
        ctr.awaitTaskStatus("sleeper", "STOPPED", STOP);
        assertEquals(143, containerd.loggedExitStatus("sleeper"), "SIGTERM: 128+15");
        remove("sleeper");

        startDetached("spinner", "spin");
        ctr.run("task", "kill", "-s", "SIGKILL", "spinner").orFail("kill");
        ctr.awaitTaskStatus("spinner", "STOPPED", STOP);
        assertEquals(137, containerd.loggedExitStatus("spinner"), "SIGKILL: 128+9");
        remove("spinner");

        startDetached("spinner-term", "spin");
        ctr.run("task", "kill", "spinner-term").orFail("kill");
        ctr.awaitTaskStatus("spinner-term", "STOPPED", STOP);
        assertEquals(143, containerd.loggedExitStatus("spinner-term"), "a spinning guest ends on SIGTERM too");
        remove("spinner-term");
    }

    @Test
    void aModuleWithoutImportsRuns() {
        Ctr.Result r = run("noimports", "/noimports.wasm");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.stdout());
    }

    @Test
    void pathHashFuncCallsThatExport() {
        Ctr.Result greet = run("greet", "/funcs.wasm#greet");
        assertEquals(0, greet.exitCode(), greet.toString());
        assertEquals("hello from greet\n", greet.stdout());
        Ctr.Result start = run("start", "/funcs.wasm");
        assertEquals("started at _start\n", start.stdout());
        Ctr.Result missing = run("nofunc", "/funcs.wasm#nosuch");
        assertEquals(127, missing.exitCode(), missing.toString());
        assertEquals("", missing.stderr(), missing.toString());
        assertTrue(containerd.logShows("/funcs.wasm exports no function nosuch\" id=\"nofunc\""),
                "the log names the missing export");
    }

    @Test
    void theMemoryLimitStopsAModuleAllocatingPastIt() {
        Ctr.Result r = run(List.of("--memory-limit", String.valueOf(96L << 20)), "oom", "/probe.wasm", "alloc", "512");
        assertEquals(137, r.exitCode(), "the OOM killer ends the container, 128+9: " + r);
        assertFalse(r.stdout().contains("allocated 512 MiB"), r.toString());
        assertTrue(r.stdout().contains("16 MiB"), "the module ran until the limit: " + r);
        Ctr.Result fits = run(List.of("--memory-limit", String.valueOf(96L << 20)), "fits", "/probe.wasm", "alloc", "16");
        assertEquals(0, fits.exitCode(), fits.toString());
        assertTrue(fits.stdout().contains("allocated 16 MiB"), fits.toString());
    }

    @Test
    void twoContainersOfTheSameImageRunAtOnce() {
        startDetached("twin-a", "sleep");
        startDetached("twin-b", "sleep");
        assertEquals("RUNNING", ctr.taskStatus("twin-a"));
        assertEquals("RUNNING", ctr.taskStatus("twin-b"));
        for (String id : List.of("twin-a", "twin-b")) {
            ctr.run("task", "kill", "-s", "SIGKILL", id).orFail("kill " + id);
            ctr.awaitTaskStatus(id, "STOPPED", STOP);
            remove(id);
        }
    }
}
