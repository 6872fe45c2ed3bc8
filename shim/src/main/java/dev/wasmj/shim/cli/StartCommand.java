package dev.wasmj.shim.cli;

import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.task.RuntimeOptions;
import dev.wasmj.shim.task.ShimGroup;
import dev.wasmj.shim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code start}: finds or launches the shim server of the container's group and prints its address.
 *
 * <p>containerd reads this process's stdout and stderr (one pipe) to EOF, so the server must be another
 * process that holds neither: it is launched in its own session with the listening socket as stdin,
 * stdout on /dev/null and stderr on the bundle's {@code log} FIFO, and this command prints only the address. To containerd 1.7+ (which sets {@code MAX_SHIM_VERSION}) the address goes in the
 * JSON bootstrap; containerd 1.6 gets the bare address.
 */
final class StartCommand {
    private final ShimArgs args;
    private final ServerLauncher launcher;
    private final Map<String, String> env;

    StartCommand(ShimArgs args, ServerLauncher launcher, Map<String, String> env) {
        this.args = args;
        this.launcher = launcher;
        this.env = env;
    }

    /**
     * {@code options}: what containerd wrote to stdin (the runtime handler's options), checked first. Returns
     * the group's socket.
     */
    Path run(byte[] options, PrintStream out) throws IOException {
        String refusal = RuntimeOptions.fromStartInput(options).refusal();
        if (refusal != null) throw new IllegalArgumentException(refusal);
        Path bundle = args.bundleDir();
        String group = ShimGroup.of(args.id(), bundle);
        Path socket = ShimSocket.path(args.address(), args.namespace(), group);
        Files.createDirectories(socket.getParent());
        // Check and bind as one step: two starts of one group (a pod's containers, or a standby that answers
        // after its claimer gave up and started a JVM of its own) must not both find no server and both
        // bind, the second unlinking the first's socket and leaving it serving nobody.
        try (ShimSocket.StartLock held = ShimSocket.StartLock.acquire(socket)) {
            if (!TtrpcServer.answers(socket)) {
                Files.deleteIfExists(socket); // a server that died leaves its socket behind
                launcher.launch(args.toArgs("serve", socket), bundle, socket);
            }
        }
        String address = "unix://" + socket;
        Files.writeString(bundle.resolve("address"), address);
        out.print(bootstrap(address, env.get("MAX_SHIM_VERSION")));
        out.flush();
        return socket;
    }

    /**
     * What {@code start} prints: the bare address for containerd 1.6 (no MAX_SHIM_VERSION); for 1.7 and 2.x
     * the JSON bootstrap with the highest task API both sides know (1.7 says 2 and refuses 3).
     */
    static String bootstrap(String address, String maxShimVersion) {
        if (maxShimVersion == null || maxShimVersion.isBlank()) return address;
        int version;
        try {
            version = Math.min(3, Integer.parseInt(maxShimVersion.trim()));
        } catch (NumberFormatException e) {
            version = 2;
        }
        return "{\"version\":" + version + ",\"address\":\"" + address + "\",\"protocol\":\"ttrpc\"}";
    }

    /**
     * Runs start's steps once in a scratch directory, binding and closing a socket there, so that a standby
     * server's first real start does not pay for their first use in its JVM (the socket's hash, the
     * annotation's regex, the file lock, unix sockets: ~20 ms of its answer). Leaves nothing behind.
     */
    static void rehearse(Syscalls sys) throws IOException {
        Path scratch = Files.createTempDirectory("wasmj-start-");
        try {
            Path bundle = Files.createDirectory(scratch.resolve("bundle"));
            Files.writeString(bundle.resolve("config.json"), "{\"annotations\": {\"" + ShimGroup.SANDBOX_ANNOTATION + "\": \"rehearsal\"}}");
            ShimArgs args = ShimArgs.parse(new String[] {"-namespace", "rehearsal", "-address",
                    scratch.resolve("containerd.sock").toString(), "-id", "rehearsal", "-bundle", bundle.toString(), "start"});
            ServerLauncher bindAndClose = (shimArgs, b, socket) -> {
                sys.close(listen(sys, socket));
            };
            new StartCommand(args, bindAndClose, Map.of()).run(new byte[0],
                    new PrintStream(java.io.OutputStream.nullOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            try (java.util.stream.Stream<Path> files = Files.walk(scratch)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Launches the long-running server; a seam so the argument handling can be tested without a JVM. */
    interface ServerLauncher {
        void launch(List<String> shimArgs, Path bundle, Path socket) throws IOException;
    }

    /**
     * Makes this JVM the server, for the launcher script's one-JVM start ({@link #SERVES_ENV}): binds the
     * socket as fd 0, where {@link ServeCommand} adopts it; once the address is printed, {@link #detach}
     * lets go of containerd's pipe and the caller goes on serving. The script runs this JVM in the
     * background in its own session, relays the address and exits, so containerd's start returns as soon
     * as the socket is bound, and no second JVM start is on the container's path.
     */
    static final class InThisProcess implements ServerLauncher {
        private final Syscalls sys;
        private Path bundle;
        private List<String> serverArgs;

        InThisProcess(Syscalls sys) {
            this.sys = sys;
        }

        @Override
        public void launch(List<String> shimArgs, Path bundle, Path socket) throws IOException {
            try {
                int listener = listen(sys, socket);
                sys.dup2(listener, 0);
                sys.close(listener);
            } catch (SyscallException e) {
                Files.deleteIfExists(socket);
                throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
            }
            this.bundle = bundle;
            this.serverArgs = shimArgs;
        }

        /** The server's arguments, if {@link #launch} made this JVM the server (no live one had the group). */
        Optional<List<String>> serverArgs() {
            return Optional.ofNullable(serverArgs);
        }

        /**
         * After the address is out: stderr to the bundle's log FIFO (first, so nothing is lost on the way),
         * then stdout to /dev/null, which ends the script's read of the address.
         */
        void detach() {
            int devNull = sys.open("/dev/null", OpenFlags.RDWR, 0);
            int log = openLog(sys, bundle.resolve("log"));
            sys.dup2(log >= 0 ? log : devNull, 2);
            sys.dup2(devNull, 1);
            if (log >= 0) sys.close(log);
            sys.close(devNull);
        }
    }

    /**
     * containerd's stdin to {@code start}: the runtime options, or /dev/null. A terminal (someone running
     * {@code start} by hand) is not read, so it cannot block.
     */
    static byte[] readOptions(java.io.InputStream stdin) throws IOException {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            if (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")) return new byte[0];
        } catch (IOException | UnsupportedOperationException ignored) {
            // no /proc: read it
        }
        return stdin.readNBytes(1 << 20);
    }

    /** Set to 1 by the launcher script: {@code start} becomes the server itself ({@link InThisProcess}). */
    static final String SERVES_ENV = "WASMJ_START_SERVES";

    /**
     * Runs this same shim again as the server, in its own session, through its launcher script when it
     * was started by one ({@code WASMJ_SHIM_LAUNCHER}), else with this JVM's java, class path and main class.
     *
     * <p>The socket is bound and listening here, and the server inherits it as its fd 0 (as the Go shims
     * pass theirs as fd 3): containerd can connect the moment the address is printed, its calls wait in
     * the backlog while the server's JVM starts, and this process need not wait for the server. The
     * server's stdout is /dev/null and its stderr the bundle's {@code log} FIFO, so containerd's pipe is
     * not held.
     */
    static ServerLauncher sameProgram(Syscalls sys, Map<String, String> env, String mainClass) {
        return (shimArgs, bundle, socket) -> {
            List<String> command = new ArrayList<>();
            String launcherScript = env.get("WASMJ_SHIM_LAUNCHER");
            if (launcherScript != null && !launcherScript.isEmpty()) {
                command.add(launcherScript);
            } else {
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.add("--enable-native-access=ALL-UNNAMED");
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add(mainClass);
            }
            command.addAll(shimArgs);
            List<String> environment = new ArrayList<>();
            env.forEach((k, v) -> environment.add(k + "=" + v));
            List<Integer> fds = new ArrayList<>();
            try {
                int listener = listen(sys, socket);
                fds.add(listener);
                int devNull = sys.open("/dev/null", OpenFlags.RDWR, 0);
                fds.add(devNull);
                int log = openLog(sys, bundle.resolve("log"));
                if (log >= 0) fds.add(log);
                sys.spawn(SpawnRequest.builder(command.get(0)).argv(command).env(environment)
                        .fd(0, listener).fd(1, devNull).fd(2, log >= 0 ? log : devNull).newSession(true).build());
            } catch (SyscallException e) {
                Files.deleteIfExists(socket);
                throw new IOException("cannot launch the shim server on " + socket + ": " + e.getMessage(), e);
            } finally {
                for (int fd : fds) sys.close(fd);
            }
        };
    }

    /** Binds and listens on the group's socket, which only root (containerd) may then connect to. */
    private static int listen(Syscalls sys, Path socket) throws IOException {
        int listener = sys.listenUnix(socket.toString());
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return listener;
        } catch (IOException | RuntimeException e) {
            sys.close(listener);
            throw e;
        }
    }

    /** The bundle's log FIFO for writing, or -1 when there is none or nobody reads it (a manual run). */
    static int openLog(Syscalls sys, Path log) {
        if (!Files.exists(log)) return -1;
        try {
            // Non-blocking first, only to learn whether a reader (containerd) is there: ENXIO if not.
            sys.close(sys.open(log.toString(), OpenFlags.WRONLY | OpenFlags.NONBLOCK, 0));
            return sys.open(log.toString(), OpenFlags.WRONLY | OpenFlags.APPEND, 0);
        } catch (SyscallException e) {
            return -1;
        }
    }
}
