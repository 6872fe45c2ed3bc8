package dev.wasmj.libcontainer.process;

import dev.wasmj.libcontainer.init.InitMain;
import dev.wasmj.libcontainer.syscall.FdStreams;
import dev.wasmj.libcontainer.syscall.NativeLibrary;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts an init JVM inside a container's namespaces and cgroups, and sends it its plan.
 *
 * <p>The JVM cannot fork, and a thread of it cannot create a user namespace or join a mount namespace. So
 * the init is spawned with clone(CLONE_VM|CLONE_VFORK) by our native library: the kernel creates the new
 * namespaces for the child alone, the child joins the others by fd and moves itself into the cgroups, then
 * execs {@code java}. No thread of this JVM ever changes namespace (see docs/design/process-model.md).
 */
public final class InitLauncher {
    /** Flags for a JVM whose start-up is on the critical path and whose heap stays small. */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            // JDK 24+ warns on stderr when a library is loaded without it; JDK 17 accepts it too.
            "--enable-native-access=ALL-UNNAMED",
            "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-XX:+UseSerialGC", "-Xshare:auto", "-Xss512k",
            "-XX:-PrintWarnings", "-Xms8m",
            // Class data archives at the address they were made for: JDK 17.0.x updates and 20+ relocate
            // them by default, which writes every page and makes the ~10 MiB they hold private to each JVM
            // instead of shared by all (docs/performance.md, docs/security.md).
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            // Its messages go to the log (stderr), none of CDS's: JDK 24+ reports --enable-native-access as
            // a mismatch with its base archive, and carries on.
            "-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:cds*=off:stderr");

    private final Syscalls sys;

    public InitLauncher(Syscalls sys) {
        this.sys = sys;
    }

    public InitProcess launch(InitPlan plan, LaunchOptions options) throws IOException {
        List<Integer> toClose = new ArrayList<>();
        int[] pair = sys.socketpair();
        int pid;
        try {
            toClose.add(pair[1]);
            int devNull = open(toClose, "/dev/null", OpenFlags.RDWR);
            SpawnRequest.Builder spawn = SpawnRequest.builder(javaExecutable())
                    .argv(command(options, plan.executor(), new InitJvmArchive(sys)))
                    .fd(InitFds.JVM_STDIN, devNull)
                    .fd(1, options.logFd)
                    .fd(InitFds.LOG, options.logFd)
                    .fd(InitFds.SYNC, pair[1])
                    .fd(InitFds.CONTAINER_STDIN, options.stdin)
                    .fd(InitFds.CONTAINER_STDOUT, options.stdout)
                    .fd(InitFds.CONTAINER_STDERR, options.stderr)
                    .newNamespaces(options.newNamespaces)
                    .newUserNamespace(options.uidMap, options.gidMap)
                    .newSession(true);
            // Read-write, so that neither open waits for the other side; the init's are the only ones kept.
            if (options.startGate != null) {
                spawn.fd(InitFds.START_GATE, open(toClose, options.startGate.toString(), OpenFlags.RDWR));
                spawn.fd(InitFds.START_RESULT, open(toClose, options.startResult.toString(), OpenFlags.RDWR));
            }
            if (options.consoleSocket >= 0) spawn.fd(InitFds.CONSOLE_SOCKET, options.consoleSocket);
            for (int i = 0; i < options.preservedFds.size(); i++) {
                spawn.fd(InitFds.FIRST_PRESERVED + i, options.preservedFds.get(i));
            }
            for (LaunchOptions.JoinedNamespace ns : options.joined) {
                spawn.joinNamespace(open(toClose, ns.path(), OpenFlags.RDONLY), ns.cloneFlag());
            }
            for (Path procs : options.cgroupProcsFiles) {
                spawn.cgroupProcsFd(open(toClose, procs.toString(), OpenFlags.WRONLY));
            }
            pid = sys.spawn(spawn.build());
        } catch (SyscallException e) {
            sys.close(pair[0]);
            throw new IOException("cannot start the container's init: " + e.getMessage(), e);
        } finally {
            for (int fd : toClose) sys.close(fd);
        }
        SyncChannel channel = new SyncChannel(FdStreams.input(sys, pair[0]), FdStreams.output(sys, pair[0]));
        InitProcess init = new InitProcess(sys, pid, pair[0], channel);
        try {
            channel.sendPlan(plan);
        } catch (IOException e) {
            // The init died before reading its plan; the caller kills and reaps it.
            throw new IOException("the container's init (pid " + pid + ") exited before it read its plan", e);
        }
        return init;
    }

    private int open(List<Integer> toClose, String path, int flags) {
        try {
            int fd = sys.open(path, flags, 0);
            toClose.add(fd);
            return fd;
        } catch (SyscallException e) {
            throw e.withContext("open " + path);
        }
    }

    static String javaExecutable() {
        String configured = System.getProperty("wasmj.init.java");
        if (configured != null) return configured;
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> command(LaunchOptions options, String executor, InitJvmArchive archive) {
        List<Path> classpath = new ArrayList<>();
        classpath.add(codeSource());
        classpath.addAll(options.extraClasspath);
        // The defaults first, so that the caller's options override them.
        List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);
        jvmOptions.addAll(options.jvmOptions);
        jvmOptions.add("-D" + "wasmj.native.dir=" + NativeLibrary.locate().getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add("java");
        cmd.addAll(jvmOptions);
        archive.option(javaExecutable(), jvmOptions, classpath, executor).ifPresent(cmd::add);
        cmd.add("-cp");
        cmd.add(InitJvmArchive.join(classpath));
        cmd.add(InitMain.class.getName());
        if (options.debug) cmd.add("--debug");
        return cmd;
    }

    /** The jar (or classes directory) holding the init: the only thing on the init's class path. */
    static Path codeSource() {
        try {
            return Path.of(InitMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
