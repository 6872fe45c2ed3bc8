package dev.wasmj.shim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.workload.WorkloadContext;
import dev.wasmj.shim.api.Engine;
import dev.wasmj.shim.api.RuntimeContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineExecutorTest {
    /** Counts the prepares it is asked for. */
    public static final class CountingEngine implements Engine {
        static int prepared;

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void prepare(RuntimeContext context) {
            prepared++;
        }

        @Override
        public int runWasi(RuntimeContext context) {
            return 0;
        }
    }

    @TempDir
    Path rootfs;

    @BeforeEach
    void useTheCountingEngine() {
        System.setProperty(EngineExecutor.ENGINE_PROPERTY, CountingEngine.class.getName());
        CountingEngine.prepared = 0;
    }

    @AfterEach
    void forgetIt() {
        System.clearProperty(EngineExecutor.ENGINE_PROPERTY);
    }

    @Test
    void recognisesWatTextAfterCommentsAndBlanks() {
        assertTrue(EngineExecutor.looksLikeWat("(module)".getBytes(StandardCharsets.UTF_8)));
        assertTrue(EngineExecutor.looksLikeWat("\n  ;; hello\n(module (func))".getBytes(StandardCharsets.UTF_8)));
        assertFalse(EngineExecutor.looksLikeWat("hello world".getBytes(StandardCharsets.UTF_8)));
        assertFalse(EngineExecutor.looksLikeWat(new byte[] {0x7f, 'E', 'L', 'F'}));
    }

    @Test
    void aPauseContainerLeavesTheEngineUnprepared() throws Exception {
        file("pause", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        file("entry.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        new EngineExecutor().prepare(context("/pause"));
        new EngineExecutor().prepare(context("/entry.sh"));
        assertEquals(0, CountingEngine.prepared, "a Linux program is exec'd: the engine's library need not load");
    }

    @Test
    void aModuleOrAnEntrypointNotKnownBeforePivotRootPreparesTheEngine() throws Exception {
        file("app.wasm", EngineExecutor.EMPTY_COMMAND);
        new EngineExecutor().prepare(context("/app.wasm"));
        assertEquals(1, CountingEngine.prepared);
        file("real", new byte[] {0x7f, 'E', 'L', 'F'});
        Files.createSymbolicLink(rootfs.resolve("link"), Path.of("/real"));
        new EngineExecutor().prepare(context("/link"));
        assertEquals(2, CountingEngine.prepared, "behind a symlink the file is only known after pivot_root");
        new EngineExecutor().prepare(context("/missing"));
        assertEquals(3, CountingEngine.prepared);
    }

    @Test
    void withoutAPivotIntoTheRootfsTheEngineIsPrepared() throws Exception {
        file("pause", new byte[] {0x7f, 'E', 'L', 'F'});
        ProcessPlan process = new ProcessPlan(List.of("/pause"), List.of(), "/", 0, 0, new int[0], -1, List.of(),
                false, null, null, false, 0, 0, null, 0, List.of());
        new EngineExecutor().prepare(new WorkloadContext("c", rootfs.toString(), false, process, 0, null));
        assertEquals(1, CountingEngine.prepared, "the program the container runs is not looked up in this rootfs");
    }

    private void file(String name, byte[] bytes) throws IOException {
        Path file = rootfs.resolve(name);
        Files.write(file, bytes);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private WorkloadContext context(String argv0) {
        ProcessPlan process = new ProcessPlan(List.of(argv0), List.of("PATH=/bin"), "/", 0, 0, new int[0], -1, List.of(),
                false, null, null, false, 0, 0, null, 0, List.of());
        return new WorkloadContext("c", rootfs.toString(), true, process, 0, null);
    }
}
