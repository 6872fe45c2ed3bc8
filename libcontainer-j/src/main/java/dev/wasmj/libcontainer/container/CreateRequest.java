package dev.wasmj.libcontainer.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@link Container#create} needs: the id and bundle, where the container's stdio comes from,
 * and how the init JVM is run. Built with {@link #builder(String, Path)}.
 */
public final class CreateRequest {
    final String id;
    final Path bundle;
    int stdin = 0;
    int stdout = 1;
    int stderr = 2;
    int logFd = 2;
    final List<Integer> preservedFds = new ArrayList<>();
    String executor = dev.wasmj.libcontainer.workload.NativeExecutor.NAME;
    final List<Path> executorClasspath = new ArrayList<>();
    final List<String> jvmOptions = new ArrayList<>();
    boolean debug;
    Path consoleSocket;
    int consoleSocketFd = -1;
    java.util.function.Consumer<String> debugLog = message -> {};
    InitPool initPool;
    boolean podSandbox;

    private CreateRequest(String id, Path bundle) {
        this.id = id;
        this.bundle = bundle.toAbsolutePath().normalize();
    }

    public static CreateRequest builder(String id, Path bundle) {
        return new CreateRequest(id, bundle);
    }

    /** The container's stdin, stdout, stderr as fds of this process (default: this process's own). */
    public CreateRequest stdio(int in, int out, int err) {
        stdin = in;
        stdout = out;
        stderr = err;
        return this;
    }

    /** Where the init writes its diagnostics (an fd of this process; default stderr). */
    public CreateRequest logFd(int fd) {
        logFd = fd;
        return this;
    }

    /** runc's --preserve-fds: these fds of this process become 3, 4, ... of the workload. */
    public CreateRequest preserveFd(int fd) {
        preservedFds.add(fd);
        return this;
    }

    /** An {@link dev.wasmj.libcontainer.workload.Executor} class to run in the init, with the jars it needs. */
    public CreateRequest executor(String className, List<Path> classpath) {
        executor = className;
        executorClasspath.addAll(classpath);
        return this;
    }

    public CreateRequest jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    /**
     * Where an init started before this container may come from, and which starts the next one of this kind
     * (docs/performance.md); without one every create starts its init JVM.
     */
    public CreateRequest initPool(InitPool pool) {
        initPool = pool;
        return this;
    }

    /**
     * This container is a pod's sandbox (its pause container): its init starts fresh (no other container shares
     * its namespaces), and the pool starts one for the pod's containers once it exists ({@link InitPool#prestartForPod}).
     */
    public CreateRequest initPoolForPodOf(InitPool pool) {
        initPool = pool;
        podSandbox = true;
        return this;
    }

    /** Receives debug lines about the create (e.g. how long the init took to be ready). */
    public CreateRequest debugLog(java.util.function.Consumer<String> sink) {
        debugLog = sink;
        return this;
    }

    /** runc's --console-socket: where the pty master is sent when process.terminal is true. */
    public CreateRequest consoleSocket(Path socket) {
        consoleSocket = socket;
        return this;
    }

    /**
     * As {@link #consoleSocket(Path)}, with a connected socket instead of a path (one end of a socketpair whose
     * other end the caller reads the master from): no socket file, no path length limit. The caller keeps
     * ownership of the fd.
     */
    public CreateRequest consoleSocket(int connectedSocketFd) {
        consoleSocketFd = connectedSocketFd;
        return this;
    }

    public CreateRequest debug(boolean value) {
        debug = value;
        return this;
    }
}
