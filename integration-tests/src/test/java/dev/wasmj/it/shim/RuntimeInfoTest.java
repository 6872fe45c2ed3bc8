package dev.wasmj.it.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.wasm.WasmFixture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code <shim> -info}: containerd 2.x asks a shim for its RuntimeInfo (name, version, the options it was given,
 * the OCI features of the runtime behind it), e.g. for {@code ctr plugins inspect-runtime}.
 */
class RuntimeInfoTest {

    /** The binary as containerd runs it: no other flags, nothing on stdin; a RuntimeInfo protobuf on stdout. */
    @Test
    void theShimAnswersInfoWithARuntimeInfo() throws Exception {
        Process p = new ProcessBuilder(WasmFixture.shimBin().resolve("containerd-shim-wasmtime-v1").toString(), "-info")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        dev.wasmj.shim.proto.types.RuntimeInfo info = dev.wasmj.shim.proto.types.RuntimeInfo.parseFrom(out);
        assertEquals("io.containerd.wasmtime.v1", info.getName());
        assertTrue(!info.getVersion().getVersion().isEmpty());
        JsonNode features = new ObjectMapper().readTree(info.getFeatures().getValue().toByteArray());
        assertTrue(features.get("linux").get("namespaces").toString().contains("\"user\""), features.toString());
    }

    /** containerd 2.x reads it and shows it; 1.6 and 1.7 have no inspect-runtime (skipped there). */
    @Test
    void containerdTwoShowsItWithCtrPluginsInspectRuntime() throws Exception {
        RootOnly.check();
        try (Containerd containerd = WasmFixture.containerd()) {
            Ctr ctr = containerd.ctr("info-it");
            Ctr.Result version = ctr.run("version");
            assumeTrue(version.stdout().matches("(?s).*Server:.*Version:\\s+v?2\\..*"), "containerd 2.x: " + version.stdout());
            Ctr.Result r = ctr.run("plugins", "inspect-runtime", "--runtime", WasmFixture.RUNTIME);
            assertEquals(0, r.exitCode(), r.toString());
            JsonNode info = new ObjectMapper().readTree(r.stdout());
            assertEquals("io.containerd.wasmtime.v1", info.get("Name").asText(), r.stdout());
            assertEquals("1.2.0", info.get("Features").get("ociVersionMax").asText(), r.stdout());
        }
    }
}
