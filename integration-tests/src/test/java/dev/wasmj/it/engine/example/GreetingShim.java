package dev.wasmj.it.engine.example;

import dev.wasmj.shim.api.ShimConfig;
import dev.wasmj.shim.api.ShimMain;

/** The example shim binary: containerd finds it as containerd-shim-greeting-v1 (runtime io.containerd.greeting.v1). */
public final class GreetingShim {
    private GreetingShim() {}

    public static void main(String[] args) {
        ShimMain.run("greeting", "1.0.0", "example", "v1", ShimConfig.builder().engine(GreetingEngine.class).build(), args);
    }
}
