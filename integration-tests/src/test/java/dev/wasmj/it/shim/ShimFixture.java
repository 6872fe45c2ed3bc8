package dev.wasmj.it.shim;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Our shim's build output, and what tests through containerd share: its runtime name, its paths. */
final class ShimFixture {
    static final String RUNTIME = "io.containerd.wasmtime.v1";
    static final String RUNC = "io.containerd.runc.v2";

    private ShimFixture() {}

    /** shim/target/dist/bin: what containerd finds as containerd-shim-wasmtime-v1. */
    static Path shimBin() {
        Path dist = Path.of(System.getProperty("wasmj.shim.dist", "../shim/target/dist")).toAbsolutePath().normalize();
        Path bin = dist.resolve("bin");
        if (!Files.isExecutable(bin.resolve("containerd-shim-wasmtime-v1"))) {
            throw new IllegalStateException("no shim build at " + bin + ": run mvn package first");
        }
        return bin;
    }

    static Containerd containerd() {
        return Containerd.start(Containerd.options().shimDir(shimBin()).debug(true));
    }

    static String busybox(Ctr ctr, Path tmp) {
        return OciImage.busybox("docker.io/wasmj/busybox:it").build(tmp.resolve("busybox.tar")).importInto(ctr);
    }

    /** Polls until {@code ctr task ls} shows {@code id} with {@code status}. */
    static void awaitStatus(Ctr ctr, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = ctr.run("task", "ls").stdout();
            for (String line : last.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals(id) && f[2].equals(status)) return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task " + id + " never became " + status + ":\n" + last);
    }
}
