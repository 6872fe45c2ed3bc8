package dev.wasmj.it.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.init.InitMain;
import dev.wasmj.shim.engine.EngineExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive of a Wasm container's init JVM: its training run goes through the engine, so a
 * real init finds the engine's and wasmtime-java's classes in the archive instead of loading and verifying
 * them from the jars (docs/performance.md), and the training leaves no file behind.
 */
class InitArchiveTrainingTest {
    private static final String WASMTIME_ENGINE = "dev.wasmj.engine.wasmtime.WasmtimeEngine";

    @TempDir
    Path tmp;

    @Test
    void theTrainedArchiveHoldsTheEnginesClassesAndTrainingLeavesNothingBehind() throws Exception {
        List<Path> trainingDirsBefore = trainingDirs();
        Path classList = tmp.resolve("init.classlist");
        Path archive = tmp.resolve("init.jsa");
        // As InitJvmArchive makes it: a training run lists the classes it loads, a second JVM dumps them.
        Run training = java(true, "-XX:DumpLoadedClassList=" + classList);
        assertEquals(0, training.exit(), training.output());
        assertEquals(trainingDirsBefore, trainingDirs(), "the training's module and its directory are removed");
        Run dump = java(false, "-XX:+UseG1GC", "-Xshare:dump", "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + archive);
        assertEquals(0, dump.exit(), dump.output());
        assertTrue(Files.size(archive) > 0, "an archive was dumped");

        // The same run with the archive, -Xshare:on making an unusable archive an error: the engine's classes come from it.
        Run withArchive = java(true, "-XX:SharedArchiveFile=" + archive, "-Xshare:on", "-Xlog:class+load=info");
        assertEquals(0, withArchive.exit(), withArchive.output());
        for (String c : List.of("java.lang.Object", EngineExecutor.class.getName(), WASMTIME_ENGINE, "io.github.kawamuray.wasmtime.Module",
                "io.github.kawamuray.wasmtime.wasi.WasiCtx", InitMain.class.getName())) {
            assertTrue(withArchive.output().contains(" " + c + " source: shared objects file"),
                    c + " is in the archive:\n" + withArchive.output());
        }
    }

    private record Run(int exit, String output) {}

    /** A JVM on the shipped jars with the options, running {@code InitMain --train EngineExecutor} if {@code train}. */
    private Run java(boolean train, String... options) throws IOException, InterruptedException {
        Path lib = WasmFixture.shimBin().resolveSibling("lib");
        String classpath;
        try (Stream<Path> jars = Files.list(lib)) {
            classpath = jars.filter(j -> j.toString().endsWith(".jar")).sorted().map(Path::toString)
                    .collect(Collectors.joining(":"));
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:cds=off",
                "-D" + EngineExecutor.ENGINE_PROPERTY + "=" + WASMTIME_ENGINE,
                "-Dwasmj.wasmtime.cacheDir=" + tmp.resolve("cache"), "-Dwasmj.native.dir=" + lib));
        if (List.of(options).contains("-XX:+UseG1GC")) cmd.remove("-XX:+UseSerialGC"); // the dump's collector, as the runtime's
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-cp", classpath));
        if (train) cmd.addAll(List.of(InitMain.class.getName(), InitMain.TRAIN, EngineExecutor.class.getName()));
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the training run did not end in 60 s: " + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static List<Path> trainingDirs() throws IOException {
        Path tmpDir = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> files = Files.list(tmpDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("wasmj-train-")).sorted().toList();
        }
    }
}
