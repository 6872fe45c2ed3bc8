package dev.wasmj.libcontainer.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the runtime starts an init JVM: which namespaces it gets or joins, which cgroups it is born in,
 * its stdio, and the JVM's own options.
 */
public final class LaunchOptions {
    /** An existing namespace to join: a CloneFlags.NEW* bit and the path of its nsfs file. */
    public record JoinedNamespace(int cloneFlag, String path) {}

    int newNamespaces;
    String uidMap;
    String gidMap;
    final List<JoinedNamespace> joined = new ArrayList<>();
    final List<Path> cgroupProcsFiles = new ArrayList<>();
    int stdin = 0;
    int stdout = 1;
    int stderr = 2;
    int logFd = 2;
    final List<Integer> preservedFds = new ArrayList<>();
    final List<String> jvmOptions = new ArrayList<>();
    final List<Path> extraClasspath = new ArrayList<>();
    boolean debug;
    int consoleSocket = -1;
    Path startGate;
    Path startResult;

    /** The CloneFlags.NEW* of the namespaces the init creates. */
    public int newNamespaces() {
        return newNamespaces;
    }

    public LaunchOptions newNamespaces(int cloneFlags) {
        newNamespaces |= cloneFlags;
        return this;
    }

    /** A new user namespace with these id maps ("inside outside count" lines). */
    public LaunchOptions newUserNamespace(String uidMapLines, String gidMapLines) {
        uidMap = uidMapLines;
        gidMap = gidMapLines;
        return this;
    }

    public LaunchOptions joinNamespace(int cloneFlag, String path) {
        joined.add(new JoinedNamespace(cloneFlag, path));
        return this;
    }

    public LaunchOptions cgroupProcsFiles(List<Path> files) {
        cgroupProcsFiles.addAll(files);
        return this;
    }

    /** The container's stdio, as fds of this process. */
    public LaunchOptions stdio(int in, int out, int err) {
        stdin = in;
        stdout = out;
        stderr = err;
        return this;
    }

    /** Where the init's own diagnostics go, as an fd of this process. */
    public LaunchOptions logFd(int fd) {
        logFd = fd;
        return this;
    }

    public LaunchOptions preserveFd(int fd) {
        preservedFds.add(fd);
        return this;
    }

    public LaunchOptions jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public LaunchOptions classpath(Path jarOrDirectory) {
        extraClasspath.add(jarOrDirectory);
        return this;
    }

    /** A connected console socket (an fd of this process) to send the container's pty master over. */
    public LaunchOptions consoleSocket(int fd) {
        consoleSocket = fd;
        return this;
    }

    /** The container's exec fifo and start-result fifo; the launcher opens them for the init (InitFds). */
    public LaunchOptions startFifos(Path gate, Path result) {
        startGate = gate;
        startResult = result;
        return this;
    }

    public LaunchOptions debug(boolean value) {
        debug = value;
        return this;
    }
}
