package dev.wasmj.engine.wasmtime;

import dev.wasmj.shim.api.RuntimeContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A container as the engine sees it, without a container. */
public final class FakeContext implements RuntimeContext {
    private final List<String> args;
    private final List<String> envs;
    private final Path rootfs;

    FakeContext(List<String> args, List<String> envs, Path rootfs) {
        this.args = args;
        this.envs = envs;
        this.rootfs = rootfs;
    }

    @Override
    public Optional<Path> rootfs() {
        return Optional.ofNullable(rootfs);
    }

    @Override
    public List<String> args() {
        return args;
    }

    @Override
    public List<String> envs() {
        return envs;
    }

    @Override
    public Optional<String> platform() {
        return Optional.of("wasi/wasm");
    }

    @Override
    public String containerId() {
        return "fake";
    }

    @Override
    public Optional<String> podId() {
        return Optional.empty();
    }

    @Override
    public Path stdin() {
        return Path.of("/proc/self/fd/0");
    }

    @Override
    public Path stdout() {
        return Path.of("/proc/self/fd/1");
    }

    @Override
    public Path stderr() {
        return Path.of("/proc/self/fd/2");
    }
}
