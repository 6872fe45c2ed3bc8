package dev.wasmj.shim.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an {@link Instance} runs: an OCI bundle (config.json and a rootfs), where its stdio goes (paths,
 * e.g. FIFOs or files; empty: /dev/null), where the runtime keeps its state, and the shim configuration
 * (which engine). Built with {@link #builder(Path)}.
 */
public final class InstanceConfig {
    private final Path bundle;
    private final String stdin;
    private final String stdout;
    private final String stderr;
    private final Path stateRoot;
    private final ShimConfig shim;

    private InstanceConfig(Builder b) {
        this.bundle = b.bundle;
        this.stdin = b.stdin;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.stateRoot = b.stateRoot;
        this.shim = b.shim;
    }

    public static Builder builder(Path bundle) {
        return new Builder(bundle);
    }

    public Path bundle() {
        return bundle;
    }

    public String stdin() {
        return stdin;
    }

    public String stdout() {
        return stdout;
    }

    public String stderr() {
        return stderr;
    }

    /** Where the runtime's state of the container is kept (default: inside the bundle). */
    public Path stateRoot() {
        return stateRoot;
    }

    public ShimConfig shim() {
        return shim;
    }

    public static final class Builder {
        private final Path bundle;
        private String stdin = "";
        private String stdout = "";
        private String stderr = "";
        private Path stateRoot;
        private ShimConfig shim = ShimConfig.nativeOnly();

        private Builder(Path bundle) {
            this.bundle = Objects.requireNonNull(bundle, "bundle").toAbsolutePath().normalize();
        }

        public Builder stdin(String path) {
            stdin = path == null ? "" : path;
            return this;
        }

        public Builder stdout(String path) {
            stdout = path == null ? "" : path;
            return this;
        }

        public Builder stderr(String path) {
            stderr = path == null ? "" : path;
            return this;
        }

        public Builder stateRoot(Path dir) {
            stateRoot = dir;
            return this;
        }

        public Builder shim(ShimConfig config) {
            shim = Objects.requireNonNull(config, "shim");
            return this;
        }

        public InstanceConfig build() {
            return new InstanceConfig(this);
        }
    }
}
