package dev.wasmj.engine.wasmtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine without a container: each test runs {@link GuestMain} in a child JVM (the engine inherits fds
 * 0-2, as in an init JVM) with a directory standing in for the container's {@code /}, and checks exactly
 * what the module printed and its exit status.
 */
class WasmtimeEngineTest {
    @TempDir
    static Path cacheRoot; // shared: the library is extracted once for all tests

    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createDirectories(tmp.resolve("rootfs"));
    }

    @Test
    void printsToTheInheritedStdoutAndReturnsZeroFromStart() throws Exception {
        Result r = run(Wat.print("hello, world\n", ""), List.of(), List.of());
        assertEquals(new Result(0, "hello, world\n", ""), r);
    }

    @Test
    void procExitCodesBecomeTheStatusAndOutputWithoutNewlineIsKept() throws Exception {
        assertEquals(new Result(3, "bye", ""), run(Wat.print("bye", "(call $exit (i32.const 3))"), List.of(), List.of()));
        assertEquals(255, run(Wat.print("", "(call $exit (i32.const 255))"), List.of(), List.of()).status());
        assertEquals(0, run(Wat.print("", "(call $exit (i32.const 0))"), List.of(), List.of()).status());
    }

    @Test
    void aModuleWithoutImportsRuns() throws Exception {
        assertEquals(new Result(0, "", ""), run(Wat.NO_IMPORTS, List.of(), List.of()));
    }

    @Test
    void aTrapFailsWithItsReason() throws Exception {
        Result r = run(Wat.UNREACHABLE, List.of(), List.of());
        assertEquals(GuestMain.FAILED, r.status());
        assertEquals("/app.wasm: wasm trap in _start: unreachable code reached", r.error());
    }

    @Test
    void unboundedRecursionIsAStackOverflowTrapNotACrash() throws Exception {
        Result r = run(Wat.RECURSION, List.of(), List.of());
        assertEquals(GuestMain.FAILED, r.status());
        assertEquals("/app.wasm: wasm trap in _start: stack overflow", r.error());
    }

    @Test
    void aMalformedModuleFailsWithTheParserMessage() throws Exception {
        Result text = run("(module (func (export \"_start\")", List.of(), List.of());
        assertEquals(GuestMain.FAILED, text.status());
        assertTrue(text.error().startsWith("/app.wasm: cannot load the module: expected `)`"), text.error());

        Files.write(root.resolve("app.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5});
        Result binary = runFile(List.of("/app.wasm"), List.of(), false, null);
        assertEquals(GuestMain.FAILED, binary.status());
        assertTrue(binary.error().startsWith("/app.wasm: cannot load the module: "), binary.error());
        assertTrue(binary.error().contains("failed to parse WebAssembly module"), binary.error());
    }

    @Test
    void anUnknownImportIsNamed() throws Exception {
        Result r = run(Wat.UNKNOWN_IMPORT, List.of(), List.of());
        assertEquals(GuestMain.FAILED, r.status());
        assertEquals("/app.wasm: unknown import env::nope (this engine provides WASI preview 1)", r.error());
    }

    @Test
    void hashFuncCallsThatExport() throws Exception {
        Files.writeString(root.resolve("app.wasm"), Wat.twoExports());
        assertEquals(new Result(0, "other\n", ""), runFile(List.of("/app.wasm#other"), List.of(), false, null));
        assertEquals(new Result(0, "start\n", ""), runFile(List.of("/app.wasm"), List.of(), false, null));
        Result missing = runFile(List.of("/app.wasm#nothere"), List.of(), false, null);
        assertEquals("/app.wasm exports no function nothere", missing.error());
    }

    @Test
    void theGuestSeesTheArgsAsGivenAndOnlyTheSpecsEnv() throws Exception {
        Files.writeString(root.resolve("app.wasm"), Wat.argsAndEnv());
        Result r = runFile(List.of("/app.wasm", "a b", "", "c"), List.of("GREETING=hello world", "EMPTY=", "A=b=c"), false, null);
        assertEquals(new Result(0, "/app.wasm\na b\n\nc\n--\nGREETING=hello world\nEMPTY=\nA=b=c\n", ""), r);
    }

    @Test
    void theRootIsPreopenedAsSlash() throws Exception {
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("data/greeting.txt"), "from the rootfs\n");
        assertEquals(new Result(0, "from the rootfs\n", ""), run(Wat.cat("data/greeting.txt"), List.of(), List.of()));
        // Outside the preopened directory: ENOTCAPABLE (76) or EPERM (63), never the file.
        Files.writeString(tmp.resolve("secret.txt"), "host secret\n");
        Result escape = run(Wat.cat("../secret.txt"), List.of(), List.of());
        assertEquals("", escape.stdout());
        assertTrue(escape.status() == 176 || escape.status() == 163, "status " + escape.status());
    }

    @Test
    void stdinIsInherited() throws Exception {
        Files.writeString(root.resolve("app.wasm"), Wat.echo());
        assertEquals(new Result(0, "line one\nline two\n", ""),
                runFile(List.of("/app.wasm"), List.of(), false, "line one\nline two\n"));
    }

    @Test
    void theLibraryIsExtractedOnceAndNeverToTmp() throws Exception {
        run(Wat.NO_IMPORTS, List.of(), List.of());
        Path library = JniLibrary.directory(cacheRoot).resolve(JniLibrary.FILE_NAME);
        Object first = Files.readAttributes(library, BasicFileAttributes.class).fileKey();
        assertEquals(0, run(Wat.NO_IMPORTS, List.of(), List.of()).status());
        assertEquals(first, Files.readAttributes(library, BasicFileAttributes.class).fileKey(), "the same file, reused");
        try (Stream<Path> files = Files.list(tmp.resolve("java-tmp"))) {
            assertEquals(List.of(), files.toList(), "nothing extracted to java.io.tmpdir");
        }
    }

    @Test
    void compilingBeforePivotRootFillsTheCompileCache() throws Exception {
        Path cache = CompileCache.directory(cacheRoot);
        String module = Wat.print("cached\n", "");
        assertEquals(new Result(0, "cached\n", ""), run(module, List.of(), List.of(), true));
        assertTrue(countFiles(cache) > 0, "an entry in " + cache);
        assertEquals(new Result(0, "cached\n", ""), run(module, List.of(), List.of(), true));
    }

    @Test
    void withoutTheHostRootfsTheCacheIsNotUsed() throws Exception {
        Path cache = CompileCache.directory(cacheRoot);
        long before = countFiles(cache);
        assertEquals(new Result(0, "uncached\n", ""), run(Wat.print("uncached\n", ""), List.of(), List.of()));
        assertEquals(before, countFiles(cache));
    }

    @Test
    void precompileFillsTheCacheAndKeepsTheModule() throws Exception {
        // In this JVM: precompile runs in the shim, not in a container.
        Path cacheRoot = tmp.resolve("precompile-cache");
        try {
            WasmtimeEngine engine = new WasmtimeEngine(root, cacheRoot);
            assertEquals("wasmtime-7.0.1/wasmtime-java-0.19.0", engine.canPrecompile().orElseThrow());
            List<byte[]> modules = List.of(Wat.print("precompiled\n", "").getBytes(StandardCharsets.UTF_8));
            assertSame(modules, engine.precompile(modules));
            try (Stream<Path> files = Files.walk(CompileCache.directory(cacheRoot).resolve("modules"))) {
                // wasmtime's worker adds a .stats file beside it, at its own pace, written through a temporary
                // "*.wip-*" file that it renames (seen once here, mid-write)
                List<Path> compiled = files.filter(f -> Files.isRegularFile(f) && !f.toString().endsWith(".stats")
                        && !f.getFileName().toString().contains(".wip-")).toList();
                assertEquals(1, compiled.size(), compiled.toString());
            }
        } finally {
            deleteWhileTheCacheWorkerSettles(cacheRoot);
        }
    }

    /**
     * wasmtime's cache worker (a thread of this JVM) may still be writing its .stats files: delete until the
     * tree stays gone, so the temp dir's own clean-up does not race it.
     */
    private static void deleteWhileTheCacheWorkerSettles(Path dir) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(20);
            }
        }
    }

    @Test
    void recognisesModulesByContent() {
        assertTrue(WasmtimeEngine.isModule(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}));
        assertTrue(WasmtimeEngine.isModule(";; a comment\n  (module)".getBytes(StandardCharsets.UTF_8)));
        assertFalse(WasmtimeEngine.isModule("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8)));
        assertFalse(WasmtimeEngine.isModule(new byte[] {0x7f, 'E', 'L', 'F'}));
    }

    record Result(int status, String stdout, String error) {}

    private Result run(String wat, List<String> args, List<String> env) throws Exception {
        return run(wat, args, env, false);
    }

    private Result run(String wat, List<String> args, List<String> env, boolean hostRootfs) throws Exception {
        Files.writeString(root.resolve("app.wasm"), wat);
        List<String> argv = new ArrayList<>(List.of("/app.wasm"));
        argv.addAll(args);
        return runFile(argv, env, hostRootfs, null);
    }

    /** Runs GuestMain in a JVM like an init JVM (512 KiB thread stacks); stderr must stay empty. */
    private Result runFile(List<String> argv, List<String> env, boolean hostRootfs, String stdin) throws Exception {
        Path errorFile = tmp.resolve("error-" + System.nanoTime());
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xss512k", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-D" + WasmtimeEngine.CACHE_DIR_PROPERTY + "=" + cacheRoot, "-Djava.io.tmpdir=" + javaTmp,
                "-cp", System.getProperty("java.class.path"), GuestMain.class.getName(),
                root.toString(), errorFile.toString(), String.valueOf(hostRootfs), String.valueOf(argv.size())));
        cmd.addAll(argv);
        cmd.addAll(env);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals("", Files.readString(err), "the child's stderr");
        String error = Files.exists(errorFile) ? Files.readString(errorFile) : "";
        return new Result(p.exitValue(), Files.readString(out), error);
    }

    private static long countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
