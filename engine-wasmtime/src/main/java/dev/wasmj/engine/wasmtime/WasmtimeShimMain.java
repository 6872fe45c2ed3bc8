package dev.wasmj.engine.wasmtime;

import dev.wasmj.shim.api.ShimConfig;
import dev.wasmj.shim.api.ShimMain;
import java.util.Map;

/**
 * {@code containerd-shim-wasmtime-v1} with the wasmtime engine: runtime {@code io.containerd.wasmtime.v1}
 * runs Wasm modules, and native Linux programs (a pod's pause container) natively. The init JVMs use the
 * shim's own class path, which holds this engine and wasmtime-java.
 */
public final class WasmtimeShimMain {
    static final String VERSION = "0.1.0";

    private WasmtimeShimMain() {}

    public static void main(String[] args) {
        ShimMain.run("wasmtime", VERSION, revision(), "v1", config(System.getenv()), args);
    }

    static ShimConfig config(Map<String, String> env) {
        ShimConfig.Builder config = ShimConfig.builder().engine(WasmtimeEngine.class);
        // The init JVM only sets the container up and hands over: wasmtime runs the module as native code, so a
        // JIT compiler would only compete with the set-up for the CPU (interpreted, the init is ready ~30 ms
        // sooner on 2 vCPUs; docs/performance.md). An engine written in Java would want the JIT: not this one.
        config.initJvmOption("-Xint");
        // The launcher's cache directory (bin/containerd-shim-wasmtime-v1) also holds the library and compiled code.
        String cacheDir = env.get("WASMJ_CDS_DIR");
        if (cacheDir != null && !cacheDir.isEmpty()) {
            config.initJvmOption("-D" + WasmtimeEngine.CACHE_DIR_PROPERTY + "=" + cacheDir);
        }
        // The operator's own, last so that they win (as WASMJ_SHIM_JAVA_OPTS for the server).
        for (String option : env.getOrDefault("WASMJ_INIT_JAVA_OPTS", "").trim().split("\\s+")) {
            if (!option.isEmpty()) config.initJvmOption(option);
        }
        return config.build();
    }

    private static String revision() {
        String r = WasmtimeShimMain.class.getPackage().getImplementationVersion();
        return r == null ? "dev" : r;
    }
}
