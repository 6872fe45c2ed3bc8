package dev.wasmj.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The tests' programs, compiled from source with the tools a user has on Debian: Wasm modules from
 * {@code src/test/wasm} (C with clang and wasi-libc, {@code --target=wasm32-wasi}; WAT with wabt's
 * {@code wat2wasm}), native programs from {@code src/test/native} (gcc). The output goes to
 * {@code target/programs}; {@code scripts/install-deps.sh} installs the compilers.
 */
public final class TestPrograms {
    public static final Path SOURCES = Path.of("src/test/wasm").toAbsolutePath();
    public static final Path NATIVE_SOURCES = Path.of("src/test/native").toAbsolutePath();
    private static final Path OUT = Path.of("target/programs").toAbsolutePath();
    private static final Map<String, byte[]> COMPILED = new ConcurrentHashMap<>();

    private TestPrograms() {}

    /** {@code name.c} compiled for WASI preview 1 (clang -O2). */
    public static byte[] c(String name) {
        return compile(name + ".wasm", List.of("clang", "--target=wasm32-wasi", "-O2", "-s", "-o", "{out}",
                SOURCES.resolve(name + ".c").toString()));
    }

    /** {@code name.wat} assembled by wat2wasm. */
    public static byte[] wat(String name) {
        return compile(name + ".wasm", List.of("wat2wasm", SOURCES.resolve(name + ".wat").toString(), "-o", "{out}"));
    }

    /** {@code src/test/native/name.c} as a static Linux executable (gcc -static -O2), for images without a libc. */
    public static byte[] staticNative(String name) {
        return compile(name, List.of("gcc", "-static", "-O2", "-o", "{out}", NATIVE_SOURCES.resolve(name + ".c").toString()));
    }

    /** Compiled once per test run: several test classes build images from the same programs. */
    private static byte[] compile(String outName, List<String> command) {
        return COMPILED.computeIfAbsent(outName, name -> compileNow(name, command)).clone();
    }

    private static byte[] compileNow(String outName, List<String> command) {
        try {
            Files.createDirectories(OUT);
            Path out = OUT.resolve(outName);
            List<String> argv = new ArrayList<>();
            for (String a : command) argv.add(a.equals("{out}") ? out.toString() : a);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed (scripts/install-deps.sh installs "
                        + "clang, wasi-libc and wabt):\n" + output);
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (scripts/install-deps.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
