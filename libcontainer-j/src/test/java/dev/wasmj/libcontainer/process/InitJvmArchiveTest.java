package dev.wasmj.libcontainer.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.init.InitMain;
import dev.wasmj.libcontainer.syscall.RecordingSyscalls;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.workload.NativeExecutor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitJvmArchiveTest {
    @TempDir
    Path dir;

    @Test
    void containersWithOtherMemoryLimitsShareOneArchive() {
        List<String> small = List.of("-XX:+UseSerialGC", "-Xmx16m", "-XX:ActiveProcessorCount=1", "-Dwasmj.engine=a.B");
        List<String> big = List.of("-XX:+UseSerialGC", "-Xmx32m", "-XX:ActiveProcessorCount=2", "-Dwasmj.engine=a.B");
        assertEquals(InitJvmArchive.keyedOptions(small), InitJvmArchive.keyedOptions(big));
        assertEquals(List.of("-XX:+UseSerialGC"), InitJvmArchive.keyedOptions(small));
        assertEquals(List.of("-XX:+UseParallelGC"), InitJvmArchive.keyedOptions(List.of("-XX:+UseParallelGC", "-Xms8m")),
                "a different collector is a different archive");
    }

    @Test
    void makingAnArchiveLeavesOnlyTheNewestFew() throws Exception {
        for (int i = 0; i < 9; i++) {
            Path f = Files.writeString(dir.resolve("init-" + i + ".jsa"), "x");
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.writeString(dir.resolve("other.jsa"), "not ours");
        InitJvmArchive.pruneOld(dir, "init-", 6);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("init-3.jsa", "init-4.jsa", "init-5.jsa", "init-6.jsa", "init-7.jsa", "init-8.jsa", "other.jsa"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void theTrainingRunTrainsTheExecutorWithTheWorkloadsOptions() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        Path jar = Files.writeString(dir.resolve("init.jar"), "a jar");
        List<String> options = List.of("-XX:+UseSerialGC", "-Xshare:auto", "-Xmx24m", "-Dwasmj.engine=a.B");
        // The fake training run lists no classes: no dump follows, and the container starts without an archive.
        assertEquals(Optional.empty(), new InitJvmArchive(sys, dir.resolve("cds"))
                .option(InitLauncher.javaExecutable(), options, List.of(jar), "a.Executor"));
        List<String> spawns = sys.callsStartingWith("spawn");
        assertEquals(1, spawns.size(), sys.calls().toString());
        String argv = spawns.get(0);
        assertTrue(argv.contains("-XX:+UseSerialGC, -Xmx24m, -Dwasmj.engine=a.B, -XX:DumpLoadedClassList="), argv);
        assertTrue(argv.contains(InitMain.class.getName() + ", " + InitMain.TRAIN + ", a.Executor]"), argv);
        try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
            assertEquals(List.of(), files.filter(f -> !f.toString().endsWith(".failed")).toList(), "nothing half-made is left");
        }
    }

    @Test
    void theClassesTheTrainingListedAreDumpedIntoOneWholeArchive() throws Exception {
        RecordingSyscalls recorder = new RecordingSyscalls();
        // A spawn that does what each JVM would: the training writes its class list, the dump its archive.
        Syscalls sys = (Syscalls) Proxy.newProxyInstance(Syscalls.class.getClassLoader(), new Class<?>[] {Syscalls.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("spawn")) {
                        for (String a : ((SpawnRequest) args[0]).argv()) {
                            if (a.startsWith("-XX:DumpLoadedClassList=")) Files.writeString(Path.of(a.substring(24)), "java/lang/Object id: 0\n");
                            if (a.startsWith("-XX:SharedArchiveFile=")) Files.writeString(Path.of(a.substring(22)), "an archive");
                        }
                    }
                    try {
                        return method.invoke(recorder, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Path jar = Files.writeString(dir.resolve("init.jar"), "a jar");
        Optional<String> option = new InitJvmArchive(sys, dir.resolve("cds"))
                .option(InitLauncher.javaExecutable(), List.of("-XX:+UseSerialGC", "-Xshare:auto", "-Xmx24m"), List.of(jar), "a.Executor");

        List<String> spawns = recorder.callsStartingWith("spawn");
        assertEquals(2, spawns.size(), recorder.calls().toString());
        String dump = spawns.get(1);
        assertTrue(dump.contains("[java, -Xmx24m, -XX:+UseG1GC, -Xshare:dump, -XX:SharedClassListFile="),
                "dumped by G1 (heap objects for JDK 18-24), the init's own collector left out: " + dump);
        assertTrue(dump.endsWith("-cp, " + jar + "])"), "a dump runs no main class: " + dump);
        assertTrue(option.isPresent(), "the container uses the archive");
        Path archive = Path.of(option.get().substring("-XX:SharedArchiveFile=".length()));
        assertEquals("an archive", Files.readString(archive));
        try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
            assertEquals(List.of(archive), files.toList(), "the class list and the temporary archive are gone");
        }
    }

    @Test
    void whatAKilledTrainingLeftGoesWithTheNextTraining() throws Exception {
        Path cds = Files.createDirectories(dir.resolve("cds"));
        Path abandoned = Files.writeString(cds.resolve("init-1.jsa.tmp.classlist"), "java/lang/Object");
        Files.setLastModifiedTime(abandoned, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path running = Files.writeString(cds.resolve("init-2.jsa.tmp.classlist"), "java/lang/Object");
        Path archive = Files.writeString(cds.resolve("init-3.jsa"), "an archive");
        Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        InitJvmArchive.removeAbandoned(cds);
        assertTrue(Files.notExists(abandoned), "an hour-old training's file goes");
        assertTrue(Files.exists(running), "a training that may still run keeps its file");
        assertTrue(Files.exists(archive), "archives are not temporaries");
    }

    @Test
    void aFailedTrainingIsNotRetriedByEveryContainer() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        Path jar = Files.writeString(dir.resolve("init.jar"), "a jar");
        InitJvmArchive archive = new InitJvmArchive(sys, dir.resolve("cds"));
        for (int i = 0; i < 3; i++) {
            archive.option(InitLauncher.javaExecutable(), List.of(), List.of(jar), "a.Executor");
        }
        assertEquals(1, sys.callsStartingWith("spawn").size(), "one training run, then none for a while: " + sys.calls());
        try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
            assertEquals(1, files.filter(f -> f.toString().endsWith(".jsa.failed")).count(), "the failure is recorded");
        }
    }

    @Test
    void eachExecutorHasItsOwnArchive() throws Exception {
        Path jar = Files.writeString(dir.resolve("init.jar"), "a jar");
        String java = InitLauncher.javaExecutable();
        List<String> vm = List.of("-XX:+UseSerialGC");
        assertEquals(InitJvmArchive.key(java, vm, List.of(jar), NativeExecutor.NAME),
                InitJvmArchive.key(java, vm, List.of(jar), NativeExecutor.NAME));
        assertNotEquals(InitJvmArchive.key(java, vm, List.of(jar), NativeExecutor.NAME),
                InitJvmArchive.key(java, vm, List.of(jar), "a.WasmExecutor"));
    }
}
