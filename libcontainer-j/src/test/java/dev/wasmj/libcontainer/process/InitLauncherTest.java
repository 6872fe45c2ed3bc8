package dev.wasmj.libcontainer.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.libcontainer.init.InitMain;
import dev.wasmj.libcontainer.syscall.RecordingSyscalls;
import dev.wasmj.libcontainer.workload.NativeExecutor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The init JVM's command line. Its start-up is the critical path of every create, so its class path holds
 * libcontainer-j's own classes and nothing else: no JSON library, no oci-spec model.
 */
class InitLauncherTest {
    /** The packages the init uses (ContainerInit.INIT_PACKAGES); the rest of libcontainer-j is runtime-side. */
    private static final List<String> INIT_PACKAGES = List.of("init", "process", "rootfs", "syscall", "workload", "hooks");

    private final RecordingSyscalls sys = new RecordingSyscalls();

    private static List<String> classPathOf(List<String> cmd) {
        int i = cmd.indexOf("-cp");
        assertTrue(i > 0, "no -cp in " + cmd);
        return Arrays.asList(cmd.get(i + 1).split(File.pathSeparator));
    }

    @Test
    void theInitsClassPathIsOnlyLibcontainerJsOwnClasses() {
        List<String> cmd = InitLauncher.command(new LaunchOptions(), NativeExecutor.NAME, new InitJvmArchive(sys));
        List<String> cp = classPathOf(cmd);
        assertEquals(List.of(InitLauncher.codeSource().toString()), cp);
        for (String entry : cp) {
            assertFalse(entry.contains("jackson"), entry);
            assertFalse(entry.contains("oci-spec"), entry);
        }
        // The runtime side (this test's JVM) does load them, from jars the init's class path leaves out.
        for (Class<?> runtimeSide : List.of(com.fasterxml.jackson.databind.ObjectMapper.class, dev.wasmj.oci.runtime.Spec.class)) {
            String jar = codeSourceOf(runtimeSide).toString();
            assertFalse(cp.contains(jar), runtimeSide.getName() + " from " + jar + " is not on the init's class path");
        }
    }

    private static Path codeSourceOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theClassPathEntryIsWhereTheInitsMainClassIs() throws IOException {
        Path source = InitLauncher.codeSource();
        String classFile = InitMain.class.getName().replace('.', '/') + ".class";
        if (Files.isDirectory(source)) {
            assertTrue(Files.isRegularFile(source.resolve(classFile)), source + " holds " + classFile);
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(source.toFile())) {
                assertTrue(jar.getEntry(classFile) != null, source + " holds " + classFile);
            }
        }
        List<String> cmd = InitLauncher.command(new LaunchOptions(), NativeExecutor.NAME, new InitJvmArchive(sys));
        int cp = cmd.indexOf("-cp");
        assertEquals(InitMain.class.getName(), cmd.get(cp + 2), "the main class follows the class path");
        assertEquals(cp + 3, cmd.size(), "and nothing after it without --debug");
    }

    @Test
    void anExecutorsJarsComeAfterTheInitsOwn() {
        Path engine = Path.of("/opt/engine/engine.jar");
        List<String> cmd = InitLauncher.command(new LaunchOptions().classpath(engine), NativeExecutor.NAME, new InitJvmArchive(sys));
        assertEquals(List.of(InitLauncher.codeSource().toString(), engine.toString()), classPathOf(cmd));
    }

    @Test
    void jvmOptionsDebugAndTheNativeLibrary() throws IOException {
        LaunchOptions options = new LaunchOptions().jvmOption("-Xmx48m").debug(true);
        List<String> cmd = InitLauncher.command(options, NativeExecutor.NAME, new InitJvmArchive(sys));
        int cp = cmd.indexOf("-cp");
        assertEquals("java", cmd.get(0));
        assertEquals(InitLauncher.DEFAULT_JVM_OPTIONS, cmd.subList(1, 1 + InitLauncher.DEFAULT_JVM_OPTIONS.size()));
        int xmx = cmd.indexOf("-Xmx48m");
        assertTrue(xmx > InitLauncher.DEFAULT_JVM_OPTIONS.size() && xmx < cp, "the caller's options override the defaults: " + cmd);
        assertEquals("--debug", cmd.get(cmd.size() - 1));
        String nativeDir = cmd.stream().filter(a -> a.startsWith("-Dwasmj.native.dir=")).findFirst().orElseThrow();
        Path dir = Path.of(nativeDir.substring("-Dwasmj.native.dir=".length()));
        assertTrue(Files.isRegularFile(dir.resolve("libcontainerj.so")), dir + " holds the JNI library");
    }

    @Test
    void noClassDataArchiveIsTrainedForAClassesDirectory() {
        assumeTrue(Files.isDirectory(InitLauncher.codeSource()), "only when running from a build's classes");
        List<String> cmd = InitLauncher.command(new LaunchOptions(), NativeExecutor.NAME, new InitJvmArchive(sys));
        assertTrue(sys.callsStartingWith("spawn").isEmpty(), "no training run: " + sys.calls());
        assertTrue(cmd.stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile")), cmd.toString());
    }

    /**
     * Nothing the init runs may pull in jackson, the oci-spec model or the runtime-side packages, or
     * concatenate strings through invokedynamic.
     */
    @Test
    void theInitsPackagesReferenceNoHeavyOrRuntimeSideClass() throws IOException {
        Path source = InitLauncher.codeSource();
        assumeTrue(Files.isDirectory(source), "reads the class files of a build's classes directory");
        // makeConcatWithConstants: an invokedynamic string concatenation, whose first use costs a fresh init
        // JVM ~45 ms of method-handle spinning; the build compiles them as StringBuilder code instead.
        List<String> forbidden = List.of("com/fasterxml/", "dev/wasmj/oci/", "dev/wasmj/libcontainer/container/",
                "dev/wasmj/libcontainer/cgroups/", "dev/wasmj/libcontainer/cli/", "makeConcatWithConstants");
        int checked = 0;
        for (String pkg : INIT_PACKAGES) {
            Path dir = source.resolve("dev/wasmj/libcontainer").resolve(pkg);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                    // Class names sit in the constant pool as plain text.
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    for (String bad : forbidden) assertFalse(text.contains(bad), f + " refers to " + bad);
                    checked++;
                }
            }
        }
        assertTrue(checked > 30, "checked " + checked + " classes");
    }
}
