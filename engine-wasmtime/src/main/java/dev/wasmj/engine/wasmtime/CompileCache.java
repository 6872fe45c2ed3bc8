package dev.wasmj.engine.wasmtime;

import io.github.kawamuray.wasmtime.Config;
import io.github.kawamuray.wasmtime.Engine;
import io.github.kawamuray.wasmtime.WasmtimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * wasmtime's on-disk compilation cache, shared by all containers: {@code <cache>/wasmtime-cache/<key>}.
 * A module compiled once is loaded from there by later containers in milliseconds instead of being compiled
 * again (a 1.5 MB module: ~700 ms down to ~20 ms).
 *
 * <p>wasmtime addresses the cache by absolute path, so an engine with the cache may only compile before
 * pivot_root: afterwards the same path would name a directory of the container's image, whose files wasmtime
 * would trust as compiled code. wasmtime's background worker (usage statistics, clean-up) runs just after a
 * compilation; if it is late enough to run after pivot_root, its writes fail inside the container and are
 * dropped.
 */
final class CompileCache {
    private CompileCache() {}

    /** An engine whose compilations go through the cache, or a plain one if the cache cannot be set up. */
    static Engine engine(Path cacheRoot) {
        Config config = new Config();
        try {
            config.cacheConfigLoad(configFile(cacheRoot));
        } catch (IOException | WasmtimeException e) {
            // A read-only /var/cache costs start-up time, not the container.
            System.err.println("wasmtime: compile cache disabled: " + e.getMessage());
            config = new Config();
        }
        return new Engine(config);
    }

    /** The cache's directory; the key keeps code compiled by other wasmtime versions apart. */
    static Path directory(Path cacheRoot) {
        return cacheRoot.resolve("wasmtime-cache").resolve(WasmtimeEngine.PRECOMPILE_KEY.replace('/', '-'));
    }

    /** wasmtime reads its cache settings from a TOML file only: it is written once, atomically, next to the library. */
    static Path configFile(Path cacheRoot) throws IOException {
        String toml = "[cache]\nenabled = true\ndirectory = " + tomlString(directory(cacheRoot).toString()) + "\n";
        Path file = JniLibrary.directory(cacheRoot).resolve("cache.toml");
        if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(toml)) return file;
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "cache.toml", ".tmp");
        try {
            Files.writeString(tmp, toml, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private static String tomlString(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
