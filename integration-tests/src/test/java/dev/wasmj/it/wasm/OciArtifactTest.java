package dev.wasmj.it.wasm;

import static dev.wasmj.it.wasm.WasmFixture.PLATFORM;
import static dev.wasmj.it.wasm.WasmFixture.RUNTIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.support.TestPrograms;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wasm images that are OCI artifacts: the module is a layer of its own ({@code application/wasm}), not a
 * file of a filesystem layer, the config says {@code wasi/wasm} and carries the entrypoint and env, and its
 * {@code rootfs.diff_ids} is empty (as runwasi's oci-tar-builder and wasm-to-oci write them). containerd 1.7
 * and 2.x give such a container an empty rootfs and the shim reads the module from containerd's content
 * store; containerd 1.6 refuses the image in {@code ctr run} before any shim is started, which the last test
 * asserts.
 */
class OciArtifactTest {
    @TempDir
    static Path tmp;
    static Containerd containerd;
    static Ctr ctr;
    static String probe;

    @BeforeAll
    static void start() {
        RootOnly.check();
        containerd = WasmFixture.containerd();
        ctr = containerd.ctr("artifact-it");
        probe = OciImage.builder().ref("docker.io/wasmj/probe-artifact:it").platform("wasi", "wasm")
                .file("/etc/greeting", "from the image's tar layer\n", 0644)
                .artifactLayer("application/wasm", TestPrograms.c("probe"))
                .env("GREETING", "from the artifact's config")
                .entrypoint("probe.wasm").cmd("args", "from the config")
                .build(tmp.resolve("probe-artifact.tar")).importInto(ctr, false);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) containerd.close();
    }

    /** Every container here is run with --rm: none may leave a mount, a bundle or a shim behind. */
    @AfterEach
    void nothingIsLeftBehind() {
        assertEquals(List.of(), Containerd.mountsUnder(containerd.dir()), "mounts left under containerd's dirs");
        assertEquals(List.of(), bundles(), "bundles left in containerd's state");
    }

    /** Builds and imports (without unpacking) an artifact image: one layer of {@code mediaType}, the module. */
    static String artifact(String ref, String mediaType, byte[] module, String... entrypoint) {
        return OciImage.builder().ref(ref).platform("wasi", "wasm")
                .artifactLayer(mediaType, module)
                .env("GREETING", "from the artifact's config")
                .entrypoint(entrypoint.length == 0 ? new String[] {"module.wasm"} : entrypoint)
                .build(tmp.resolve(ref.replaceAll("[^a-z0-9]", "_") + ".tar"))
                .importInto(ctr, false);
    }

    static Ctr.Result run(String image, String id, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--platform", PLATFORM, "--runtime", RUNTIME, image, id));
        cmd.addAll(List.of(args));
        return ctr.run(Duration.ofSeconds(90), cmd.toArray(String[]::new));
    }

    @Test
    void theModuleLayerRunsWithTheArgsEnvAndExitCodeOfItsContainer() {
        assumeTrue(Containerd.atLeast(1, 7), "containerd 1.6 cannot run artifacts (the last test)");
        Ctr.Result args = run(probe, "art-args");
        assertEquals(0, args.exitCode(), args.toString());
        assertEquals("[probe.wasm]\n[args]\n[from the config]\n", args.stdout(), "argv is the config's entrypoint and cmd");

        Ctr.Result given = run(probe, "art-given", "probe.wasm", "args", "two words");
        assertEquals("[probe.wasm]\n[args]\n[two words]\n", given.stdout(), given.toString());

        Ctr.Result env = run(probe, "art-env", "probe.wasm", "env", "GREETING");
        assertEquals(0, env.exitCode(), env.toString());
        assertEquals("GREETING=from the artifact's config\n", env.stdout());

        Ctr.Result file = run(probe, "art-file", "probe.wasm", "cat", "/etc/greeting");
        assertEquals(0, file.exitCode(), file.toString());
        assertEquals("from the image's tar layer\n", file.stdout(), "a filesystem layer beside the module is the rootfs");

        Ctr.Result exit = run(probe, "art-exit", "probe.wasm", "exit", "7");
        assertEquals(7, exit.exitCode(), exit.toString());
        assertTrue(containerd.logShows("the module is the image's Wasm layer"), "the shim log says where the module came from");
    }

    @Test
    void aModuleLargerThanOneGrpcMessageIsReadInChunks() {
        assumeTrue(Containerd.atLeast(1, 7), "containerd 1.6 cannot run artifacts (the last test)");
        byte[] big = withCustomSection(TestPrograms.wat("hello"), 9 << 20); // gRPC's default message limit is 4 MiB
        String image = artifact("docker.io/wasmj/big-artifact:it", "application/vnd.w3c.wasm.module.v1+wasm", big);
        Ctr.Result r = run(image, "art-big");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("hello from a WAT module\n", r.stdout());
    }

    @Test
    void aComponentLayerIsRefusedAtCreateWithTheReason() {
        assumeTrue(Containerd.atLeast(1, 7), "containerd 1.6 cannot run artifacts (the last test)");
        byte[] component = {0, 'a', 's', 'm', 0x0d, 0, 1, 0}; // a component's preamble: layer 1, version 0x0d
        String image = artifact("docker.io/wasmj/component-artifact:it",
                "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm", component);
        Ctr.Result r = run(image, "art-component");
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("is a Wasm component, and this engine runs core modules only"), r.toString());
        assertTrue(containerd.logShows("is a Wasm component"), "the reason is in the shim log too");
    }

    @Test
    void aLayerThatIsNotWasmIsRefusedNamingTheLayer() {
        assumeTrue(Containerd.atLeast(1, 7), "containerd 1.6 cannot run artifacts (the last test)");
        String image = artifact("docker.io/wasmj/text-artifact:it", "application/wasm",
                "not a module\n".getBytes(StandardCharsets.UTF_8));
        Ctr.Result r = run(image, "art-text");
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().matches("(?s).*layer sha256:[0-9a-f]{64} \\(application/wasm, 13 bytes\\) is not a Wasm module.*"),
                r.toString());
    }

    @Test
    void containerd16RefusesAnArtifactBeforeAnyShimRuns() {
        assumeTrue(!Containerd.atLeast(1, 7), "1.7 and later run artifacts (the tests above)");
        Ctr.Result r = run(probe, "art-16");
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("mismatched image rootfs and manifest layers"), r.toString());
        assertFalse(containerd.logText().contains("id=art-16"), "no shim was asked to create it");
    }

    /** The module with a custom section (ignored by engines) of {@code size} bytes appended. */
    static byte[] withCustomSection(byte[] module, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(module);
        byte[] name = "padding".getBytes(StandardCharsets.US_ASCII);
        out.write(0); // section id 0: custom
        writeLeb(out, 1 + name.length + size);
        writeLeb(out, name.length);
        out.writeBytes(name);
        byte[] pad = new byte[size];
        for (int i = 0; i < size; i++) pad[i] = (byte) (i * 31);
        out.writeBytes(pad);
        return out.toByteArray();
    }

    private static void writeLeb(ByteArrayOutputStream out, int value) {
        do {
            int b = value & 0x7f;
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    private static List<Path> bundles() {
        Path tasks = containerd.state().resolve("io.containerd.runtime.v2.task").resolve(ctr.namespace());
        if (!Files.isDirectory(tasks)) return List.of();
        try (Stream<Path> s = Files.list(tasks)) {
            return s.toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
