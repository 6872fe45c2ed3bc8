package dev.wasmj.shim.cli;

import dev.wasmj.oci.runtime.Spec;
import dev.wasmj.oci.runtime.SpecLoader;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code start}: finds or launches the shim server of the container's group and prints its address.
 *
 * <p>containerd reads this process's stdout and stderr (one pipe) to EOF, so the server must be another
 * process that holds neither: it is launched in its own session with stdin and stdout on /dev/null and
 * stderr on the bundle's {@code log} FIFO, and this command prints only the address once the server
 * accepts connections. To containerd 1.7+ (which sets {@code MAX_SHIM_VERSION}) the address goes in the
 * JSON bootstrap; containerd 1.6 gets the bare address.
 */
final class StartCommand {
    static final String SANDBOX_ANNOTATION = "io.kubernetes.cri.sandbox-id";
    private static final long READY_TIMEOUT_NANOS = 20_000_000_000L;

    private final ShimArgs args;
    private final ServerLauncher launcher;
    private final Map<String, String> env;

    StartCommand(ShimArgs args, ServerLauncher launcher, Map<String, String> env) {
        this.args = args;
        this.launcher = launcher;
        this.env = env;
    }

    int run(PrintStream out) throws IOException, InterruptedException {
        Path bundle = args.bundleDir();
        String group = groupOf(bundle);
        Path socket = ShimSocket.path(args.address(), args.namespace(), group);
        if (!accepts(socket)) {
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket); // a server that died leaves its socket behind
            Process server = launcher.launch(args.toArgs("serve", socket), bundle);
            awaitReady(server, socket);
        }
        String address = "unix://" + socket;
        Files.writeString(bundle.resolve("address"), address);
        out.print(bootstrap(address, env.get("MAX_SHIM_VERSION")));
        out.flush();
        return 0;
    }

    /** Containers of one pod share a shim; any other container gets its own. */
    private String groupOf(Path bundle) {
        Path config = bundle.resolve("config.json");
        if (!Files.exists(config)) return args.id();
        Spec spec = SpecLoader.load(config);
        Map<String, String> annotations = spec.getAnnotations();
        String sandbox = annotations == null ? null : annotations.get(SANDBOX_ANNOTATION);
        return sandbox == null || sandbox.isEmpty() ? args.id() : sandbox;
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

    static boolean accepts(Path socket) {
        if (!Files.exists(socket)) return false;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitReady(Process server, Path socket) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        while (!accepts(socket)) {
            if (!server.isAlive()) {
                throw new IOException("the shim server exited with status " + server.exitValue()
                        + " before listening on " + socket + " (its reason is in the bundle's log)");
            }
            if (System.nanoTime() > deadline) {
                server.destroyForcibly();
                throw new IOException("the shim server did not listen on " + socket + " within 20 s");
            }
            Thread.sleep(5);
        }
    }

    /** Launches the long-running server; a seam so the argument handling can be tested without a JVM. */
    interface ServerLauncher {
        Process launch(List<String> shimArgs, Path bundle) throws IOException;
    }

    /**
     * Runs this same shim again as the server: through its launcher script when it was started by one
     * ({@code WASMJ_SHIM_LAUNCHER}), else with this JVM's java, class path and main class.
     */
    static ServerLauncher sameProgram(Map<String, String> env, String mainClass) {
        return (shimArgs, bundle) -> {
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) command.add("/usr/bin/setsid");
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
            ProcessBuilder pb = new ProcessBuilder(command).directory(bundle.toFile());
            pb.redirectInput(new File("/dev/null"));
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Path log = bundle.resolve("log");
            pb.redirectError(Files.exists(log) ? ProcessBuilder.Redirect.appendTo(log.toFile()) : ProcessBuilder.Redirect.DISCARD);
            return pb.start();
        };
    }
}
