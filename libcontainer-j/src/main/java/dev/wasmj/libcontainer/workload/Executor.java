package dev.wasmj.libcontainer.workload;

/**
 * Runs the container's workload inside the init JVM once the container is set up. The default
 * {@link NativeExecutor} execs a Linux program; an engine (e.g. Wasm) runs it in-process. Implementations
 * need a public no-argument constructor: the init JVM instantiates them by class name.
 */
public interface Executor {

    /**
     * Called before pivot_root, while the host's files are still visible: load native libraries and
     * classes now, since after pivot_root a JVM cannot load what it had not opened before.
     */
    default void prepare(WorkloadContext context) throws ExecutorException {}

    /**
     * Called in an init started before its container (docs/performance.md, pre-started inits) while no container
     * exists yet, as the runtime's user: load what {@link #prepare} loads for any container (native libraries, an
     * engine), so that prepare has less to do once there is one. It must not depend on a container; a failure
     * costs only the time it would have saved (prepare runs as usual).
     */
    default void warmUp() throws Exception {}

    /** Called after pivot_root, before the container is reported created: refuse a workload that cannot run. */
    void validate(WorkloadContext context) throws ExecutorException;

    /**
     * Whether {@link #run} runs the workload in this JVM (the default) rather than replacing the process with
     * an execve. Asked after {@link #validate}. An in-process workload is confined by the init before
     * {@code run} (the spec's user, groups, capabilities, no_new_privs and seccomp, on every thread of the
     * JVM); an executor that execs must apply them at its execve, as {@link NativeExecutor} does.
     */
    default boolean runsInProcess() {
        return true;
    }

    /**
     * Runs the workload after start. An executor that replaces the process (execve) never returns; one
     * that runs the workload in-process returns its exit status.
     */
    int run(WorkloadContext context) throws ExecutorException;

    /**
     * Called instead, in the run that makes the init JVM's class-data-sharing archive (no container exists):
     * go through what {@link #prepare} and {@link #run} load, so that every init finds those classes, and the
     * lambdas they spin, in the archive instead of loading and verifying them. Must leave nothing behind but
     * caches; a failure only costs the executor its share of the archive.
     */
    default void train() throws Exception {}
}
