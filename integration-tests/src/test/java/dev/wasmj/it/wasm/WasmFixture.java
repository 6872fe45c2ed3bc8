package dev.wasmj.it.wasm;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.support.TestPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A containerd whose {@code containerd-shim-wasmtime-v1} is the shipped one (engine-wasmtime's dist: the
 * shim with the wasmtime engine), and the Wasm image the tests run: every module of {@link TestPrograms}
 * in one {@code wasi/wasm} image, as {@code docker buildx --platform wasi/wasm} would build it.
 */
public final class WasmFixture {
    public static final String RUNTIME = "io.containerd.wasmtime.v1";
    public static final String PLATFORM = "wasi/wasm";
    /** The image's file that tests read. */
    public static final String GREETING = "read from the image\n";

    private WasmFixture() {}

    /** engine-wasmtime/target/dist/bin. */
    public static Path shimBin() {
        Path dist = Path.of(System.getProperty("wasmj.wasmtime.dist", "../engine-wasmtime/target/dist")).toAbsolutePath().normalize();
        Path bin = dist.resolve("bin");
        if (!Files.isExecutable(bin.resolve("containerd-shim-wasmtime-v1"))) {
            throw new IllegalStateException("no engine-wasmtime build at " + bin + ": run mvn package first");
        }
        return bin;
    }

    public static Containerd containerd() {
        return Containerd.start(Containerd.options().shimDir(shimBin()).debug(true));
    }

    /**
     * Builds and imports {@code docker.io/wasmj/probe:it}: /probe.wasm (the C program, the entrypoint),
     * /hello.wasm, /funcs.wasm, /trap.wasm, /noimports.wasm (WAT), /broken.wasm (a Wasm header, then
     * garbage), /app.txt (text), /etc/greeting, an empty /tmp, and GREETING in the image's env.
     */
    public static String probeImage(Ctr ctr, Path tmp) {
        return probeImageBuilder().ref("docker.io/wasmj/probe:it").build(tmp.resolve("probe.tar")).importInto(ctr);
    }

    /** A file of the probe image owned by uid 1000 and readable only by it (0600). */
    public static final String PRIVATE_FILE = "/home/user/private";

    /**
     * The probe image's files, env and entrypoint, plus {@link #PRIVATE_FILE} and a root-owned /home; the
     * caller names the image (and may set its user) before building it.
     */
    public static OciImage.Builder probeImageBuilder() {
        return OciImage.builder().platform("wasi", "wasm")
                .file("/probe.wasm", TestPrograms.c("probe"), 0755)
                .file("/hello.wasm", TestPrograms.wat("hello"), 0755)
                .file("/funcs.wasm", TestPrograms.wat("funcs"), 0755)
                .file("/trap.wasm", TestPrograms.wat("trap"), 0755)
                .file("/noimports.wasm", TestPrograms.wat("noimports"), 0755)
                .file("/broken.wasm", new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, 7}, 0755)
                .file("/app.txt", "not a program\n", 0644)
                .directory("/etc", 0755)
                .file("/etc/greeting", GREETING, 0644)
                .directory("/tmp", 01777)
                .env("GREETING", "from the image")
                .directory("/home", 0755)
                .directory("/home/user", 0755)
                .file(PRIVATE_FILE, "uid 1000's own\n", 0600, 1000, 1000)
                .entrypoint("/probe.wasm");
    }

    /** {@code ctr run --rm --platform wasi/wasm --runtime io.containerd.wasmtime.v1 [options] image id [args]}. */
    public static List<String> runArgs(List<String> options, String image, String id, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--platform", PLATFORM, "--runtime", RUNTIME));
        cmd.addAll(options);
        cmd.add(image);
        cmd.add(id);
        cmd.addAll(List.of(args));
        return cmd;
    }
}
