package dev.wasmj.shim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.wasmj.libcontainer.container.Features;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.api.ShimConfig;
import dev.wasmj.shim.image.ContainerdImageStore;
import dev.wasmj.shim.image.WasmArtifacts;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.types.RuntimeInfo;
import dev.wasmj.shim.proto.types.RuntimeVersion;
import dev.wasmj.shim.task.Workload;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Dispatches the shim's command line to its actions and turns failures into an exit status and a message. */
public final class ShimCommands {
    /** Who the shim is: e.g. ("wasmtime", "0.1.0", "abc", "v1") is io.containerd.wasmtime.v1. */
    public record Identity(String name, String version, String revision, String shimVersion) {
        public String runtimeType() {
            return "io.containerd." + name + "." + shimVersion;
        }

        public String binaryName() {
            return "containerd-shim-" + name + "-" + shimVersion;
        }
    }

    private ShimCommands() {}

    public static int execute(Identity identity, ShimConfig config, String[] argv) {
        // stdout carries the protocol (start's address, delete's DeleteResponse): nothing else may reach it,
        // and during start stderr is the same pipe, so it is held back and shown only on failure.
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        ByteArrayOutputStream heldBack = new ByteArrayOutputStream();
        System.setOut(new PrintStream(heldBack, true, StandardCharsets.UTF_8));
        ShimArgs args;
        try {
            args = ShimArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            stderr.println(identity.binaryName() + ": " + e.getMessage());
            return 2;
        }
        Map<String, String> env = System.getenv();
        ShimLog log = new ShimLog(stderr, args.debug(), fields(identity, args));
        try {
            if (args.version()) {
                stdout.println(identity.binaryName() + ":");
                stdout.println("  Runtime:  " + identity.runtimeType());
                stdout.println("  Version:  " + identity.version());
                stdout.println("  Revision: " + identity.revision());
                stdout.println("  Java:     " + System.getProperty("java.version"));
                return 0;
            }
            if (args.info()) {
                info(identity, StartCommand.readOptions(System.in)).writeTo(stdout);
                stdout.flush();
                return 0;
            }
            switch (args.action()) {
                case "start" -> {
                    System.setErr(new PrintStream(heldBack, true, StandardCharsets.UTF_8));
                    Syscalls sys = Syscalls.linux();
                    byte[] options = StartCommand.readOptions(System.in);
                    if (!"1".equals(env.get(StartCommand.SERVES_ENV))) {
                        new StartCommand(args, StartCommand.sameProgram(sys, env, mainClass()), env).run(options, stdout);
                        return 0; // failures throw
                    }
                    WarmUp.start(log); // this JVM will serve: warm the spec binding up while start runs
                    // stdout stays open until detach: its end tells the launcher script that start is done
                    Optional<StartCommand.InThisProcess> server = startHere(sys, args, env, options, stdout);
                    return server.isEmpty() ? 0 : serve(identity, config, server.get(), log, stderr, env);
                }
                case "standby" -> {
                    System.setOut(stderr); // /dev/null until a claim; then the container's log FIFO
                    Syscalls sys = Syscalls.linux();
                    WarmUp.startForStandby(log, sys);
                    return new StandbyCommand(sys, env).run((claim, reply) -> {
                        ShimArgs claimed = claim.shimArgs();
                        ShimLog claimLog = new ShimLog(stderr, claimed.debug(), fields(identity, claimed));
                        Optional<StartCommand.InThisProcess> server = startHere(sys, claimed, claim.env(), claim.options(), reply);
                        return server.map(s -> () -> serve(identity, config, s, claimLog, stderr, claim.env()));
                    });
                }
                case "serve" -> {
                    System.setOut(stderr); // the server's stdout is /dev/null; stray prints belong in the log
                    return new ServeCommand(args, log, workload(config), artifacts(config, args), identity.version(), env).run();
                }
                case "delete" -> {
                    return new DeleteCommand(args, log).run(stdout);
                }
                default -> {
                    stderr.println(identity.binaryName() + ": unknown action \"" + args.action()
                            + "\"; containerd runs it with start or delete (also -v, -info)");
                    return 2;
                }
            }
        } catch (Exception | LinkageError e) {
            stderr.print(heldBack.toString(StandardCharsets.UTF_8));
            stderr.println(identity.binaryName() + " " + args.action() + ": " + describe(e));
            if (args.debug()) e.printStackTrace(stderr);
            return 1;
        }
    }

    /**
     * {@code start} in a JVM that may go on as the server: answers on {@code out} (the launcher script, or a
     * standby's claimer, relays it to containerd) and returns the bound server, or empty when a live server
     * already has the container's group. Failures throw, as for start.
     */
    private static Optional<StartCommand.InThisProcess> startHere(Syscalls sys, ShimArgs args, Map<String, String> env,
            byte[] options, PrintStream out) throws Exception {
        StartCommand.InThisProcess server = new StartCommand.InThisProcess(sys);
        new StartCommand(args, server, env).run(options, out);
        return server.serverArgs().isPresent() ? Optional.of(server) : Optional.empty();
    }

    /** Goes on as the server bound by {@link #startHere}: stderr to the bundle's log, stdout let go, then serve. */
    private static int serve(Identity identity, ShimConfig config, StartCommand.InThisProcess server, ShimLog log,
            PrintStream stderr, Map<String, String> env) throws Exception {
        server.detach();
        System.setOut(stderr); // now the log FIFO, as for serve
        System.setErr(stderr);
        ShimArgs serveArgs = ShimArgs.parse(server.serverArgs().get().toArray(String[]::new));
        return new ServeCommand(serveArgs, log, workload(config), artifacts(config, serveArgs), identity.version(), env).run();
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static Map<String, String> fields(Identity identity, ShimArgs args) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("runtime", identity.runtimeType());
        if (!args.namespace().isEmpty()) f.put("namespace", args.namespace());
        return f;
    }

    /** How containerd (typeurl) names the OCI runtime-spec features document: JSON in an Any. */
    static final String FEATURES_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/features/Features";

    /**
     * What {@code -info} answers containerd 2.x ({@code ctr plugins inspect-runtime}, and before a task whose spec
     * needs a feature such as idmap mounts): name and version, the runtime options containerd wrote to stdin
     * (an Any) echoed back, and the OCI features document of the runtime the containers run on (libcontainer-j's,
     * as {@code libcontainer-j features} prints it).
     */
    static RuntimeInfo info(Identity identity, byte[] options) throws IOException {
        RuntimeInfo.Builder info = RuntimeInfo.newBuilder().setName(identity.runtimeType())
                .setVersion(RuntimeVersion.newBuilder().setVersion(identity.version()).setRevision(identity.revision()))
                .setFeatures(Any.newBuilder().setTypeUrl(FEATURES_TYPE_URL)
                        .setValue(ByteString.copyFrom(FEATURES_JSON.writeValueAsBytes(Features.describe()))));
        if (options.length > 0) info.setOptions(Any.parseFrom(options));
        return info.build();
    }

    private static final ObjectMapper FEATURES_JSON = new ObjectMapper();

    /** The class whose main started this JVM: the server is the same program. */
    private static String mainClass() {
        String command = System.getProperty("sun.java.command", "");
        int space = command.indexOf(' ');
        return space < 0 ? command : command.substring(0, space);
    }

    /**
     * With an engine, a module missing from the rootfs is looked for in the image's Wasm layers, read from
     * containerd's content store over its gRPC socket ({@code -address}) in the shim's namespace.
     */
    static WasmArtifacts artifacts(ShimConfig config, ShimArgs args) {
        if (config.engineClass() == null || args.address().isEmpty()) return WasmArtifacts.none();
        return WasmArtifacts.forEngine(config.engineClass(),
                () -> new ContainerdImageStore(args.address(), args.namespace(), java.time.Duration.ofSeconds(30)));
    }

    /** The dist's lib/grpc/: the server's client of containerd's API, which no init JVM needs. */
    static boolean isServerOnly(Path classpathEntry) {
        Path dir = classpathEntry.toAbsolutePath().getParent();
        return dir != null && dir.endsWith(Path.of("lib", "grpc"));
    }

    /** An engine runs in the init JVM behind the engine executor; without one, the native executor. */
    public static Workload workload(ShimConfig config) {
        if (config.engineClass() == null) return Workload.nativeOnly();
        List<Path> classpath = new ArrayList<>(config.engineClasspath());
        if (classpath.isEmpty()) {
            for (String entry : System.getProperty("java.class.path").split(":")) {
                if (!entry.isEmpty() && !isServerOnly(Path.of(entry))) classpath.add(Path.of(entry));
            }
        }
        List<String> jvm = new ArrayList<>(config.initJvmOptions());
        jvm.add("-D" + dev.wasmj.shim.engine.EngineExecutor.ENGINE_PROPERTY + "=" + config.engineClass());
        return new Workload(dev.wasmj.shim.engine.EngineExecutor.class.getName(), classpath, jvm);
    }
}
