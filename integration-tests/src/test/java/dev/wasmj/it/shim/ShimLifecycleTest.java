package dev.wasmj.it.shim;

import static dev.wasmj.it.shim.ShimFixture.RUNTIME;
import static dev.wasmj.it.shim.ShimFixture.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.shim.proto.task.v2.UpdateTaskRequest;
import dev.wasmj.shim.task.TaskService;
import dev.wasmj.shim.ttrpc.TtrpcClient;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of a node does with ctr, through our shim under a real containerd: run, exit codes, kill,
 * exec, pause/resume, metrics, events, the memory limit, and the shim log in containerd's log.
 */
class ShimLifecycleTest {
    @TempDir
    static Path tmp;
    static Containerd containerd;
    static Ctr ctr;
    static String image;

    @BeforeAll
    static void start() {
        RootOnly.check();
        containerd = ShimFixture.containerd();
        ctr = containerd.ctr("shim-it");
        image = ShimFixture.busybox(ctr, tmp);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) containerd.close();
    }

    private static Ctr.Result runRm(String id, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--runtime", RUNTIME, image, id));
        cmd.addAll(List.of(args));
        return ctr.run(cmd.toArray(String[]::new));
    }

    @Test
    void runPrintsTheOutputAndReturnsTheExitCode() {
        Ctr.Result hello = runRm("hello", "echo", "hello from the shim");
        assertEquals(0, hello.exitCode(), hello.toString());
        assertEquals("hello from the shim\n", hello.stdout());
        assertEquals(3, runRm("three", "sh", "-c", "exit 3").exitCode());
        assertEquals(255, runRm("max", "sh", "-c", "exit 255").exitCode());
        Ctr.Result err = runRm("stderr", "sh", "-c", "echo out; echo err >&2");
        assertEquals("out\n", err.stdout());
        assertTrue(err.stderr().contains("err\n"), err.toString());
    }

    @Test
    void stdinReachesTheContainerAndEndsWithEof() {
        Ctr.Result r = ctr.runWithInput("line one\nline two\n".getBytes(),
                "run", "--rm", "--runtime", RUNTIME, image, "stdin", "sh", "-c", "cat; echo done");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("line one\nline two\ndone\n", r.stdout());
    }

    @Test
    void killGives143ForTermAnd137ForKill() throws Exception {
        ctr.run("run", "-d", "--runtime", RUNTIME, image, "term", "sh", "-c",
                "trap 'exit 143' TERM; while true; do sleep 0.1; done").orFail("run -d");
        awaitStatus(ctr, "term", "RUNNING");
        ctr.run("task", "kill", "term").orFail("kill");
        awaitStatus(ctr, "term", "STOPPED");
        assertEquals(143, exitStatusOf("term"));
        ctr.run("run", "-d", "--runtime", RUNTIME, image, "sigkill", "sleep", "1000").orFail("run -d");
        awaitStatus(ctr, "sigkill", "RUNNING");
        ctr.run("task", "kill", "-s", "SIGKILL", "sigkill").orFail("kill");
        awaitStatus(ctr, "sigkill", "STOPPED");
        assertEquals(137, exitStatusOf("sigkill"));
    }

    /** ctr task delete prints nothing of the status; the exit event carries it. */
    private static int exitStatusOf(String id) {
        String events = containerd.logText();
        ctr.run("task", "delete", id).orFail("task delete");
        ctr.run("container", "delete", id).orFail("container delete");
        Matcher m = Pattern.compile("id=" + Pattern.quote(id) + "\\b.*").matcher(events);
        assertTrue(m.find(), "the shim logged container " + id);
        return containerd.loggedExitStatus(id);
    }

    @Test
    void execRunsASecondProcessInTheContainer() throws Exception {
        ctr.run("run", "-d", "--runtime", RUNTIME, image, "exec", "sh", "-c", "echo main > /tmp/marker; sleep 1000")
                .orFail("run -d");
        awaitStatus(ctr, "exec", "RUNNING");
        Ctr.Result r = ctr.run("task", "exec", "--exec-id", "e1", "exec", "sh", "-c", "cat /tmp/marker; exit 5");
        assertEquals(5, r.exitCode(), r.toString());
        assertEquals("main\n", r.stdout());
        ctr.run("task", "kill", "-s", "SIGKILL", "exec").orFail("kill");
        awaitStatus(ctr, "exec", "STOPPED");
        ctr.run("task", "delete", "exec").orFail("delete");
        ctr.run("container", "delete", "exec").orFail("container delete");
    }

    @Test
    void pauseResumeAndMetrics() throws Exception {
        ctr.run("run", "-d", "--runtime", RUNTIME, "--memory-limit", "67108864", image, "pause", "sleep", "1000")
                .orFail("run -d");
        awaitStatus(ctr, "pause", "RUNNING");
        ctr.run("task", "pause", "pause").orFail("pause");
        awaitStatus(ctr, "pause", "PAUSED");
        ctr.run("task", "resume", "pause").orFail("resume");
        awaitStatus(ctr, "pause", "RUNNING");
        Ctr.Result metrics = ctr.run("task", "metrics", "pause").orFail("metrics");
        assertTrue(metrics.stdout().matches("(?s).*memory\\.usage_in_bytes\\s+[1-9]\\d*.*|(?s).*memory\\.usage\\s+[1-9]\\d*.*"),
                metrics.stdout());
        assertTrue(metrics.stdout().contains("67108864"), "the memory limit: " + metrics.stdout());
        assertTrue(metrics.stdout().matches("(?s).*pids\\.current\\s+1\\b.*"), metrics.stdout());
        ctr.run("task", "kill", "-s", "SIGKILL", "pause").orFail("kill");
        awaitStatus(ctr, "pause", "STOPPED");
        ctr.run("task", "delete", "pause").orFail("delete");
        ctr.run("container", "delete", "pause").orFail("container delete");
    }

    /**
     * ctr has no update command (CRI's UpdateContainerResources sends it): the test calls the shim's Update
     * itself, on the socket containerd uses (from the bundle's address file), as containerd would.
     */
    @Test
    void updateChangesTheLimitsOfARunningContainer() throws Exception {
        ctr.run("run", "-d", "--runtime", RUNTIME, "--memory-limit", "67108864", image, "update", "sleep", "1000")
                .orFail("run -d");
        awaitStatus(ctr, "update", "RUNNING");
        String address = Files.readString(containerd.bundle(ctr.namespace(), "update").resolve("address")).trim();
        try (TtrpcClient shim = TtrpcClient.connect(Path.of(address.replaceFirst("^unix://", "")))) {
            String resources = "{\"memory\":{\"limit\":134217728},\"pids\":{\"limit\":42}}";
            Any any = Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources")
                    .setValue(ByteString.copyFromUtf8(resources)).build();
            shim.call(TaskService.V2, "Update", UpdateTaskRequest.newBuilder().setId("update").setResources(any).build(),
                    Empty.parser(), Duration.ofSeconds(5));
            Ctr.Result metrics = ctr.run("task", "metrics", "update").orFail("metrics");
            assertTrue(metrics.stdout().contains("134217728"), "the new memory limit: " + metrics.stdout());
            assertTrue(metrics.stdout().matches("(?s).*pids\\.limit\\s+42\\b.*"), "the new pids limit: " + metrics.stdout());

            Any bad = any.toBuilder().setValue(ByteString.copyFromUtf8("{\"memory\": [1, 2]}")).build();
            TtrpcException refused = org.junit.jupiter.api.Assertions.assertThrows(TtrpcException.class, () -> shim.call(
                    TaskService.V2, "Update", UpdateTaskRequest.newBuilder().setId("update").setResources(bad).build(),
                    Empty.parser(), Duration.ofSeconds(5)));
            assertTrue(refused.getMessage().contains("memory"), "the error names the bad field: " + refused.getMessage());
        }
        assertEquals("RUNNING", ctr.taskStatus("update"), "a refused update leaves the container running");
        ctr.run("task", "kill", "-s", "SIGKILL", "update").orFail("kill");
        awaitStatus(ctr, "update", "STOPPED");
        ctr.run("task", "delete", "update").orFail("delete");
        ctr.run("container", "delete", "update").orFail("container delete");
    }

    @Test
    void aSystemdCgroupPathIsRefusedByName() {
        Ctr.Result r = ctr.run("run", "--rm", "--runtime", RUNTIME, "--cgroup", "system.slice:wasmj:sd", image, "sd", "true");
        assertTrue(r.exitCode() != 0, r.toString());
        assertTrue(r.stderr().contains("\"system.slice:wasmj:sd\" is a systemd cgroup path"), r.toString());
        ctr.run("container", "delete", "sd");
    }

    @Test
    void theMemoryLimitIsEnforced() {
        // dd holds a 256 MiB buffer: past the 64 MiB limit the OOM killer ends it (128+9).
        Ctr.Result r = ctr.run("run", "--rm", "--runtime", RUNTIME, "--memory-limit", "67108864", image, "oom",
                "dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1");
        assertEquals(137, r.exitCode(), r.toString());
        Ctr.Result ok = ctr.run("run", "--rm", "--runtime", RUNTIME, "--memory-limit", "67108864", image, "fits",
                "dd", "if=/dev/zero", "of=/dev/null", "bs=8M", "count=1");
        assertEquals(0, ok.exitCode(), ok.toString());
    }

    @Test
    void eventsComeInLifecycleOrder() throws Exception {
        Ctr.Background events = ctr.start("events");
        Thread.sleep(300);
        assertEquals(0, runRm("evented", "true").exitCode());
        String seen = events.awaitOutput("/tasks/delete", java.time.Duration.ofSeconds(10));
        events.stop();
        List<String> topics = new ArrayList<>();
        for (String line : seen.split("\n")) {
            if (!line.contains("evented")) continue;
            Matcher m = Pattern.compile("(/tasks/[a-z-]+)").matcher(line);
            if (m.find()) topics.add(m.group(1));
        }
        assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"), topics, seen);
    }

    @Test
    void theShimLogsToContainerdsLogWithTheContainerId() {
        assertEquals(0, runRm("logged", "true").exitCode());
        String log = containerd.logText();
        assertTrue(log.matches("(?s).*level=info msg=\"created, pid \\d+\" runtime=io.containerd.wasmtime.v1 namespace=shim-it id=logged.*"),
                "containerd's log has the shim's lines");
    }

    @Test
    void aMissingProgramFailsWithItsNameAndTheShimKeepsServing() {
        Ctr.Result r = runRm("missing", "/no/such/program");
        assertTrue(r.exitCode() != 0, r.toString());
        assertTrue(r.stderr().contains("/no/such/program"), "ctr shows the reason: " + r);
        assertTrue(containerd.logShows("/no/such/program"), "the shim log has the reason");
        assertEquals(0, runRm("after-missing", "true").exitCode());
    }
}
