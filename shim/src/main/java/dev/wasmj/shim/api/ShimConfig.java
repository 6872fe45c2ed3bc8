package dev.wasmj.shim.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a shim built with {@link ShimMain} runs containers: which {@link Engine} (none: native Linux
 * programs only), the jars the engine needs in each container's init JVM, and extra options for that JVM.
 * Built with {@link #builder()}.
 */
public final class ShimConfig {
    private final String engineClass;
    private final List<Path> engineClasspath;
    private final List<String> initJvmOptions;

    private ShimConfig(Builder b) {
        this.engineClass = b.engineClass;
        this.engineClasspath = List.copyOf(b.engineClasspath);
        this.initJvmOptions = List.copyOf(b.initJvmOptions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A shim that runs native Linux programs only (what the pause container of a pod needs). */
    public static ShimConfig nativeOnly() {
        return builder().build();
    }

    /** The engine's class name, or null when the shim runs native programs only. */
    public String engineClass() {
        return engineClass;
    }

    public List<Path> engineClasspath() {
        return engineClasspath;
    }

    public List<String> initJvmOptions() {
        return initJvmOptions;
    }

    public static final class Builder {
        private String engineClass;
        private final List<Path> engineClasspath = new ArrayList<>();
        private final List<String> initJvmOptions = new ArrayList<>();

        private Builder() {}

        /** The engine, instantiated in each container's init JVM: it needs a public no-argument constructor. */
        public Builder engine(Class<? extends Engine> engine) {
            this.engineClass = engine.getName();
            return this;
        }

        /** Jars (or class directories) the engine needs; default: the shim's own class path. */
        public Builder engineClasspath(List<Path> classpath) {
            engineClasspath.addAll(classpath);
            return this;
        }

        public Builder initJvmOption(String option) {
            initJvmOptions.add(option);
            return this;
        }

        public ShimConfig build() {
            return new ShimConfig(this);
        }
    }
}
