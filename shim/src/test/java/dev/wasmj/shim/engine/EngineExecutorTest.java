package dev.wasmj.shim.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EngineExecutorTest {

    @Test
    void recognisesWatTextAfterCommentsAndBlanks() {
        assertTrue(EngineExecutor.looksLikeWat("(module)".getBytes(StandardCharsets.UTF_8)));
        assertTrue(EngineExecutor.looksLikeWat("\n  ;; hello\n(module (func))".getBytes(StandardCharsets.UTF_8)));
        assertFalse(EngineExecutor.looksLikeWat("hello world".getBytes(StandardCharsets.UTF_8)));
        assertFalse(EngineExecutor.looksLikeWat(new byte[] {0x7f, 'E', 'L', 'F'}));
    }
}
