package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.task.v2.DeleteResponse;
import dev.wasmj.shim.task.BundleState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code delete} command after a clean teardown by the server: the recorded answer, and no work. */
class DeleteCommandTest {
    private static final Path LAUNCHER = Path.of("src/main/scripts/containerd-shim-wasmtime-v1");

    @TempDir
    Path bundle;

    private byte[] recordCleanDelete() throws Exception {
        byte[] response = DeleteResponse.newBuilder().setPid(4242).setExitStatus(3).build().toByteArray();
        Files.write(bundle.resolve(BundleState.CLEAN_DELETE), response);
        return response;
    }

    private String[] deleteArgs() {
        return new String[] {"-namespace", "default", "-address", "/run/x.sock", "-publish-binary", "/bin/true",
                "-id", "c1", "-bundle", bundle.toString(), "delete"};
    }

    @Test
    void printsTheServersRecordedAnswer() throws Exception {
        byte[] recorded = recordCleanDelete();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = new DeleteCommand(ShimArgs.parse(deleteArgs()), new ShimLog(new PrintStream(log), true, Map.of()))
                .run(out);
        assertEquals(0, status);
        assertArrayEquals(recorded, out.toByteArray());
        assertEquals(3, DeleteResponse.parseFrom(out.toByteArray()).getExitStatus());
        assertEquals("", log.toString(StandardCharsets.UTF_8), "nothing to clean up, nothing to log");
    }

    @Test
    void theLauncherScriptAnswersWithoutStartingAJvm() throws Exception {
        byte[] recorded = recordCleanDelete();
        List<String> argv = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        argv.addAll(List.of(deleteArgs()));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("JAVA_HOME", bundle.resolve("no-such-jdk").toString()); // a JVM start would fail
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), err);
        assertArrayEquals(recorded, out);
    }

    @Test
    void theLauncherScriptLeavesALiveStateToTheJvm() throws Exception {
        recordCleanDelete();
        Files.createDirectories(bundle.resolve(".libcontainer-j").resolve("c1")); // not deleted: must be cleaned up
        List<String> argv = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        argv.addAll(List.of(deleteArgs()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", bundle.resolve("no-such-jdk").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        assertEquals(127, p.exitValue(), "it went on to start a JVM (here a missing one): " + out);
    }
}
