package dev.wasmj.libcontainer.process;

import dev.wasmj.libcontainer.init.InitMain;
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
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
            // Memory each init keeps for its life (docs/performance.md, ten in a pod): a 1 MiB young generation
            // (the default, a third of -Xms, is 2.7 MiB, all of it touched by the set-up's garbage; a young
            // collection of an init takes ~1 ms), and string and symbol tables sized for the few thousand
            // entries an init has (the defaults take 0.75 MiB; the tables grow if they must).
            "-Xmn1m", "-XX:StringTableSize=1024", "-XX:+UnlockExperimentalVMOptions", "-XX:SymbolTableSize=1024",
            // Class data archives at the address they were made for: JDK 17.0.x updates and 20+ relocate
            // them by default, which writes every page and makes the ~10 MiB they hold private to each JVM
            // instead of shared by all (docs/performance.md, docs/security.md).
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            // Its messages go to the log (stderr), none of CDS's: JDK 24+ reports --enable-native-access as a
            // mismatch with the JDK's own archive (an init's before its archive exists, a training run's), and
            // carries on.
            "-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:cds*=off:stderr");

    /** The nice value of a pre-started init until its claim ({@link PrestartedInit#handOver}). */
    static final int WAITING_NICENESS = 19;

    /** Whether this process may raise a priority it lowered (CAP_SYS_NICE, bit 23 of CapEff in /proc/self/status). */
    private static final boolean CAN_RAISE_PRIORITY = hasCapability(23);

    private static boolean hasCapability(int bit) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> bit & 1) != 0;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not known: as without it
        }
        return false;
    }

    private final Syscalls sys;

    public InitLauncher(Syscalls sys) {
        this.sys = sys;
    }

    public InitProcess launch(InitPlan plan, LaunchOptions options) throws IOException {
        return launch(plan, options, command(options, plan.executor(), new InitJvmArchive(sys)));
    }

    /** As {@link #launch(InitPlan, LaunchOptions)}, with the command line of {@link #profile}. */
    public InitProcess launch(InitPlan plan, LaunchOptions options, List<String> command) throws IOException {
        Spawned spawned = spawn(command, "start the container's init", (spawn, devNull, toClose) -> {
            spawn.fd(1, options.logFd)
                    .fd(InitFds.LOG, options.logFd)
                    .fd(InitFds.CONTAINER_STDIN, options.stdin)
                    .fd(InitFds.CONTAINER_STDOUT, options.stdout)
                    .fd(InitFds.CONTAINER_STDERR, options.stderr)
                    .newNamespaces(options.newNamespaces)
                    .newUserNamespace(options.uidMap, options.gidMap);
            for (Map.Entry<Integer, Integer> e : startFds(options, toClose).entrySet()) spawn.fd(e.getKey(), e.getValue());
            for (LaunchOptions.JoinedNamespace ns : options.joined) {
                spawn.joinNamespace(open(toClose, ns.path(), OpenFlags.RDONLY), ns.cloneFlag());
            }
            for (Path procs : options.cgroupProcsFiles) spawn.cgroupProcsFd(open(toClose, procs.toString(), OpenFlags.WRONLY));
        });
        InitProcess init = new InitProcess(sys, spawned.pid(), spawned.syncFd(), SyncChannel.over(sys, spawned.syncFd()));
        try {
            init.channel().sendPlan(plan);
        } catch (IOException e) {
            // The init died before reading its plan; the caller kills and reaps it.
            throw new IOException("the container's init (pid " + spawned.pid() + ") exited before it read its plan", e);
        }
        return init;
    }

    /**
     * The command line and what else the spawn of this launch decides, when an init started before the container
     * could serve it ({@link LaunchProfile#of}).
     */
    public Optional<LaunchProfile> profile(LaunchOptions options, String executor, String cgroupPath) {
        return LaunchProfile.of(options, command(options, executor, new InitJvmArchive(sys)), executor, cgroupPath);
    }

    /** The profile of an init started ahead for any pod sandbox like this launch's ({@link LaunchProfile#forSandboxes}). */
    public Optional<LaunchProfile> sandboxProfile(LaunchOptions options, String executor, String cgroupPath) {
        return LaunchProfile.forSandboxes(options, command(options, executor, new InitJvmArchive(sys)), executor, cgroupPath);
    }

    /**
     * Starts an init JVM for a container that does not exist yet: born in the namespaces of the profile and in the
     * cgroup whose {@code cgroup.procs} files are given (made by the caller), with /dev/null in every fd slot the
     * container's fds will take ({@link PrestartedInit#handOver}); it boots and waits ({@code --ready}).
     */
    public PrestartedInit prestart(LaunchProfile profile, List<Path> cgroupProcsFiles) throws IOException {
        List<String> command = new ArrayList<>(profile.command());
        command.add(InitMain.READY);
        command.add(profile.executor());
        // Its cgroup's directories: should its server die before a claim, it leaves and removes them itself.
        for (Path procs : cgroupProcsFiles) command.add(procs.getParent().toString());
        Spawned spawned = spawn(command, "pre-start an init", (spawn, devNull, toClose) -> {
            // Its log is /dev/null until the claim brings the container's: any other file it held open would stay
            // open while it waits (a log FIFO would keep containerd's reader of a finished container waiting). The
            // slots are taken now so that the JVM's own files do not take them; the claim puts the container's fds there.
            for (int slot = 1; slot < InitFds.FIRST_PRESERVED + profile.preservedFds(); slot++) {
                if (slot != InitFds.SYNC) spawn.fd(slot, devNull);
            }
            spawn.newNamespaces(profile.newNamespaces());
            for (LaunchProfile.JoinedNamespace ns : profile.joined()) {
                // A /proc/<pid> path names another process's namespace once that pid ended and was reused: the path
                // must name the profile's namespace before and after the open, so the fd is that namespace.
                requireSameNamespace(ns);
                int fd = open(toClose, ns.path(), OpenFlags.RDONLY);
                requireSameNamespace(ns);
                spawn.joinNamespace(fd, ns.cloneFlag());
            }
            for (Path procs : cgroupProcsFiles) spawn.cgroupProcsFd(open(toClose, procs.toString(), OpenFlags.WRONLY));
        });
        // At the lowest priority until its claim: its boot must not slow down the start of the container (or of the
        // pod's sandbox) it was started beside. Set now, right after its exec (the spawn returns then), before its
        // JVM has started most of its threads, which inherit it (one caught being created keeps the normal priority:
        // only speed differs, and the claim sets every thread's); not in the spawn's child, which would hold this
        // server's fds at that priority until its exec. Not where the claim could not raise it back (no
        // CAP_SYS_NICE). A pod's own init is the exception: the pod's containers are created right after its
        // sandbox, and it is started beside a claimed sandbox init's short set-up, not beside a JVM's boot.
        if (profile.joined().isEmpty() && CAN_RAISE_PRIORITY) {
            try {
                sys.setGroupPriority(spawned.pid(), WAITING_NICENESS);
            } catch (SyscallException e) {
                // it boots at the normal priority
            }
        }
        return new PrestartedInit(sys, spawned.pid(), spawned.syncFd(), profile);
    }

    private static void requireSameNamespace(LaunchProfile.JoinedNamespace ns) {
        if (!LaunchProfile.JoinedNamespace.at(ns.cloneFlag(), ns.path()).equals(Optional.of(ns))) {
            throw new IllegalStateException(ns.path() + " is no longer the namespace the init was to join");
        }
    }

    private record Spawned(int pid, int syncFd) {}

    /** What a launch adds to the spawn every init gets ({@link #spawn}); fds it opens go into {@code toClose}. */
    private interface SpawnSetup {
        void addTo(SpawnRequest.Builder spawn, int devNull, List<Integer> toClose);
    }

    /**
     * Spawns an init JVM with what every init gets (/dev/null as the JVM's stdin, the sync socket, a session of its
     * own) and what {@code setup} adds; the fds opened for it are closed here once it has them.
     */
    private Spawned spawn(List<String> command, String what, SpawnSetup setup) throws IOException {
        List<Integer> toClose = new ArrayList<>();
        int[] pair = sys.socketpair();
        try {
            toClose.add(pair[1]);
            int devNull = open(toClose, "/dev/null", OpenFlags.RDWR);
            SpawnRequest.Builder spawn = SpawnRequest.builder(javaExecutable())
                    .argv(command)
                    .fd(InitFds.JVM_STDIN, devNull)
                    .fd(InitFds.SYNC, pair[1])
                    .newSession(true);
            setup.addTo(spawn, devNull, toClose);
            return new Spawned(sys.spawn(spawn.build()), pair[0]);
        } catch (RuntimeException e) {
            sys.close(pair[0]);
            throw new IOException("cannot " + what + ": " + e.getMessage(), e);
        } finally {
            for (int fd : toClose) sys.close(fd);
        }
    }

    /**
     * The fds of {@code start} and of the terminal, by their slot: the fifos are opened read-write, so that
     * neither open waits for the other side (the init's are the only ones kept), and the preserved fds.
     */
    Map<Integer, Integer> startFds(LaunchOptions options, List<Integer> toClose) {
        Map<Integer, Integer> fds = new TreeMap<>();
        if (options.startGate != null) {
            fds.put(InitFds.START_GATE, open(toClose, options.startGate.toString(), OpenFlags.RDWR));
            fds.put(InitFds.START_RESULT, open(toClose, options.startResult.toString(), OpenFlags.RDWR));
        }
        if (options.consoleSocket >= 0) fds.put(InitFds.CONSOLE_SOCKET, options.consoleSocket);
        for (int i = 0; i < options.preservedFds.size(); i++) {
            fds.put(InitFds.FIRST_PRESERVED + i, options.preservedFds.get(i));
        }
        return fds;
    }

    int open(List<Integer> toClose, String path, int flags) {
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
