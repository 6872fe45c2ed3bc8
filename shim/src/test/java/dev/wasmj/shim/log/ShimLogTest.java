package dev.wasmj.shim.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShimLogTest {

    @Test
    void oneLogfmtLinePerEventWithTheContainerId() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ShimLog log = new ShimLog(new PrintStream(out, true, StandardCharsets.UTF_8), false,
                Map.of("runtime", "io.containerd.wasmtime.v1")).with("id", "c1").with("pod", "p 1");
        log.error("create failed: \"/app.txt\" is neither\na module");
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1, lines.length);
        assertTrue(lines[0].matches("time=\\S+ level=error msg=\".*\" runtime=io.containerd.wasmtime.v1 id=c1 pod=\"p 1\""),
                lines[0]);
        assertTrue(lines[0].contains("msg=\"create failed: \\\"/app.txt\\\" is neither\\na module\""), lines[0]);
    }

    @Test
    void debugLinesOnlyWithDebug() {
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        new ShimLog(new PrintStream(quiet), false, Map.of()).debug("hidden");
        assertEquals("", quiet.toString());
        ByteArrayOutputStream loud = new ByteArrayOutputStream();
        new ShimLog(new PrintStream(loud), true, Map.of()).debug("shown");
        assertTrue(loud.toString().contains("level=debug msg=shown"), loud.toString());
    }
}
