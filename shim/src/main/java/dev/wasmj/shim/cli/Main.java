package dev.wasmj.shim.cli;

import dev.wasmj.shim.api.ShimConfig;
import dev.wasmj.shim.api.ShimMain;

/**
 * {@code containerd-shim-wasmtime-v1} until the wasmtime engine lands: serves runtime
 * {@code io.containerd.wasmtime.v1} and runs native Linux programs.
 */
public final class Main {
    public static final String VERSION = "0.1.0";

    private Main() {}

    public static void main(String[] args) {
        ShimMain.run("wasmtime", VERSION, revision(), "v1", ShimConfig.nativeOnly(), args);
    }

    static String revision() {
        String r = Main.class.getPackage().getImplementationVersion();
        return r == null ? "dev" : r;
    }
}
