package dev.wasmj.shim.api;

import dev.wasmj.shim.cli.ShimCommands;

/**
 * The entry point of a shim binary. A Java team's shim is a {@code main} that calls
 * {@code ShimMain.run("myengine", "1.0.0", "abc123", "v1", ShimConfig.builder().engine(MyEngine.class).build(), args)};
 * containerd then finds it as {@code containerd-shim-myengine-v1} for runtime {@code io.containerd.myengine.v1}.
 */
public final class ShimMain {
    private ShimMain() {}

    /**
     * Runs the action containerd asked for ({@code start}, {@code delete}, {@code -v}, {@code -info}, or the
     * server that {@code start} launches) and exits the JVM with its status.
     *
     * @param name        the engine's name, the middle of the runtime type (io.containerd.NAME.v1)
     * @param version     this shim's version, reported by {@code -v}, {@code -info} and Connect
     * @param revision    its source revision
     * @param shimVersion the last part of the runtime type, e.g. "v1"
     */
    public static void run(String name, String version, String revision, String shimVersion, ShimConfig config,
            String[] args) {
        System.exit(ShimCommands.execute(new ShimCommands.Identity(name, version, revision, shimVersion), config, args));
    }
}
