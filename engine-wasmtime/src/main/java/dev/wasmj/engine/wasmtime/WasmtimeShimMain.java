package dev.wasmj.engine.wasmtime;

import dev.wasmj.shim.api.ShimConfig;
import dev.wasmj.shim.api.ShimMain;

/**
 * {@code containerd-shim-wasmtime-v1} with the wasmtime engine: runtime {@code io.containerd.wasmtime.v1}
 * runs Wasm modules, and native Linux programs (a pod's pause container) natively. The init JVMs use the
 * shim's own class path, which holds this engine and wasmtime-java.
 */
public final class WasmtimeShimMain {
    static final String VERSION = "0.1.0";

    private WasmtimeShimMain() {}

    public static void main(String[] args) {
        ShimConfig.Builder config = ShimConfig.builder().engine(WasmtimeEngine.class);
        // The launcher's cache directory (bin/containerd-shim-wasmtime-v1) also holds the library and compiled code.
        String cacheDir = System.getenv("WASMJ_CDS_DIR");
        if (cacheDir != null && !cacheDir.isEmpty()) {
            config.initJvmOption("-D" + WasmtimeEngine.CACHE_DIR_PROPERTY + "=" + cacheDir);
        }
        ShimMain.run("wasmtime", VERSION, revision(), "v1", config.build(), args);
    }

    private static String revision() {
        String r = WasmtimeShimMain.class.getPackage().getImplementationVersion();
        return r == null ? "dev" : r;
    }
}
