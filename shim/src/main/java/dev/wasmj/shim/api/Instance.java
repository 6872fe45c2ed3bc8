package dev.wasmj.shim.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One container run by an engine (or natively), without containerd: the lifecycle the shim drives for
 * each task, open to Java code that wants to run a Wasm container directly. Created with
 * {@link #create(String, InstanceConfig)}; the container exists (set up, program not running) until
 * {@link #start}.
 */
public interface Instance extends AutoCloseable {

    /** How the container's process ended: its exit code, or 128+signal, and when. */
    record Exit(int status, Instant exitedAt) {}

    /** Sets up the container from {@code config}'s bundle; the program waits for {@link #start}. */
    static Instance create(String id, InstanceConfig config) throws InstanceException {
        return dev.wasmj.shim.instance.ContainerInstance.create(id, config);
    }

    String id();

    /** Runs the program; returns the pid of the container's init. */
    int start() throws InstanceException;

    /** Sends a signal to the container's init (e.g. 15 for SIGTERM, 9 for SIGKILL). */
    void kill(int signal) throws InstanceException;

    /** Waits at most {@code timeout} for the program to end. */
    Optional<Exit> waitFor(Duration timeout) throws InterruptedException;

    /** Removes the container: kills what is left, removes its cgroup and state. */
    void delete() throws InstanceException;

    /** {@link #delete()}, for try-with-resources. */
    @Override
    default void close() throws InstanceException {
        delete();
    }
}
