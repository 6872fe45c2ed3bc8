package dev.wasmj.engine.wasmtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container paths resolved in a host directory never leave it, whatever the image's symbolic links say. */
class RootfsPathTest {
    @TempDir
    Path rootfs;

    @Test
    void plainPathsAreJoined() throws IOException {
        assertEquals(rootfs.resolve("app/main.wasm"), RootfsPath.resolve(rootfs, "/app/main.wasm"));
        assertEquals(rootfs.resolve("main.wasm"), RootfsPath.resolve(rootfs, "main.wasm"));
    }

    @Test
    void absoluteLinksAndDotDotStayInside() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("app.wasm"), Path.of("/etc/shadow"));
        assertEquals(rootfs.resolve("etc/shadow"), RootfsPath.resolve(rootfs, "/app.wasm"));
        assertEquals(rootfs.resolve("etc/passwd"), RootfsPath.resolve(rootfs, "/../../etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("up"), Path.of("../../.."));
        assertEquals(rootfs.resolve("x.wasm"), RootfsPath.resolve(rootfs, "/up/x.wasm"));
    }

    @Test
    void relativeLinksResolveFromTheirDirectory() throws IOException {
        Files.createDirectories(rootfs.resolve("opt/app"));
        Files.createSymbolicLink(rootfs.resolve("opt/current"), Path.of("app"));
        assertEquals(rootfs.resolve("opt/app/m.wasm"), RootfsPath.resolve(rootfs, "/opt/current/m.wasm"));
    }

    @Test
    void linkLoopsAreRefused() throws IOException {
        Files.createSymbolicLink(rootfs.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(rootfs.resolve("b"), Path.of("a"));
        assertThrows(IOException.class, () -> RootfsPath.resolve(rootfs, "/a"));
    }
}
