package dev.wasmj.engine.wasmtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WasmtimeShimMainTest {

    @Test
    void theInitJvmsRunInterpretedAndKeepTheirCachesInTheLaunchersDirectory() {
        assertEquals(List.of("-Xint"), WasmtimeShimMain.config(Map.of()).initJvmOptions(),
                "wasmtime runs modules natively: the init's JVM needs no JIT compiler");
        assertEquals(List.of("-Xint", "-D" + WasmtimeEngine.CACHE_DIR_PROPERTY + "=/var/cache/x"),
                WasmtimeShimMain.config(Map.of("WASMJ_CDS_DIR", "/var/cache/x")).initJvmOptions());
    }

    @Test
    void theOperatorsInitJvmOptionsComeLastSoThatTheyWin() {
        assertEquals(List.of("-Xint", "-Xmx20m", "-XX:+UseSerialGC"),
                WasmtimeShimMain.config(Map.of("WASMJ_INIT_JAVA_OPTS", " -Xmx20m  -XX:+UseSerialGC ")).initJvmOptions());
        assertEquals(List.of("-Xint"), WasmtimeShimMain.config(Map.of("WASMJ_INIT_JAVA_OPTS", "  ")).initJvmOptions());
    }
}
