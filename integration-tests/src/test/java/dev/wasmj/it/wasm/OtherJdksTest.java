package dev.wasmj.it.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.support.RootOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim built with --release 17 must run on newer JDKs too: every other JDK 17+ found under
 * /usr/lib/jvm (e.g. Temurin 25 on the CI machines) runs the shim server and the init JVMs, set as
 * containerd's JAVA_HOME, for a Wasm module and a native program. Skipped where no other JDK is installed.
 */
class OtherJdksTest {
    @TempDir
    Path tmp;

    @Test
    void theShimRunsWasmAndNativeContainersOnEveryOtherJdk() throws Exception {
        RootOnly.check();
        List<Path> jdks = otherJdks();
        assumeFalse(jdks.isEmpty(), "no JDK other than " + Runtime.version().feature() + " under /usr/lib/jvm");
        for (Path jdk : jdks) {
            try (Containerd containerd = Containerd.start(Containerd.options().shimDir(WasmFixture.shimBin())
                    .env("JAVA_HOME", jdk.toString()))) {
                Ctr ctr = containerd.ctr("jdk-it");
                String wasm = WasmFixture.probeImage(ctr, tmp);
                String busybox = OciImage.busybox("docker.io/wasmj/busybox:jdk").build(tmp.resolve("busybox.tar")).importInto(ctr);
                Ctr.Result hello = ctr.run(WasmFixture.runArgs(List.of(), wasm, "hello", "/hello.wasm").toArray(String[]::new));
                assertEquals(0, hello.exitCode(), jdk + ": " + hello);
                assertEquals("hello from a WAT module\n", hello.stdout(), jdk + ": only the module's output");
                assertEquals("", hello.stderr(), jdk + ": no JVM warning reaches the container's stderr");
                Ctr.Result echo = ctr.run("run", "--rm", "--runtime", WasmFixture.RUNTIME, busybox, "native", "echo", "native");
                assertEquals("native\n", echo.stdout(), jdk + ": " + echo);
                String log = containerd.logText();
                assertTrue(log.contains("msg=\"exited with status 0\""), jdk + ": the shim ran: " + log);
            }
        }
    }

    /** JDK homes under /usr/lib/jvm of a feature release 17+ other than this JVM's, one per release. */
    private static List<Path> otherJdks() throws IOException {
        List<Path> out = new ArrayList<>();
        List<Integer> seen = new ArrayList<>(List.of(Runtime.version().feature()));
        Path root = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> homes = Files.list(root)) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isRegularFile(release)) continue;
                Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
                if (!m.find()) continue;
                int feature = Integer.parseInt(m.group(1));
                if (feature >= 17 && !seen.contains(feature)) {
                    seen.add(feature);
                    out.add(home.toRealPath());
                }
            }
        }
        return out;
    }
}
