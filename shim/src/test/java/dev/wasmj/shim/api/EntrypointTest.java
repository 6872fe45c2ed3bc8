package dev.wasmj.shim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EntrypointTest {

    @Test
    void pathAndDefaultFunction() {
        assertEquals(new Entrypoint("/app/hello.wasm", "_start", "hello"), Entrypoint.parse("/app/hello.wasm"));
    }

    @Test
    void hashSelectsTheFunction() {
        assertEquals(new Entrypoint("/app.wasm", "handler", "app"), Entrypoint.parse("/app.wasm#handler"));
        assertEquals(new Entrypoint("/app.wasm", "_start", "app"), Entrypoint.parse("/app.wasm#"));
    }

    @Test
    void emptyArgsAreRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> Entrypoint.parse(""));
    }
}
