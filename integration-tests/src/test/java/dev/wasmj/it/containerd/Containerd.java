package dev.wasmj.it.containerd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real containerd (Debian's {@code /usr/bin/containerd}) of the test's own: its root, state, gRPC and
 * ttrpc sockets, config, temp dir and log all live in one temp dir, never in /var/lib/containerd or
 * /run/containerd, and the system containerd is never used.
 *
 * <pre>{@code
 * try (Containerd c = Containerd.start(Containerd.options().shimDir(dir).debug(true))) {
 *     Ctr ctr = c.ctr("test-ns");
 *     String image = OciImage.busybox("docker.io/wasmj/busybox:it").build(tmp.resolve("bb.tar")).importInto(ctr);
 *     Ctr.Result r = ctr.run("run", "--rm", "--runtime", "io.containerd.wasmtime.v1", image, "c1", "echo", "hi");
 *     ...   // c.logText() holds containerd's log, and so the shims' logs
 * }
 * }</pre>
 *
 * <p>{@link Options#shimDir(Path)} is put first on containerd's PATH: containerd finds the shim of runtime
 * {@code io.containerd.<name>.<version>} there as {@code containerd-shim-<name>-<version>}. containerd's
 * working directory is the temp dir (containerd looks for shims there first, too).
 *
 * <p>The config ({@link #config()}, written to {@link #configFile()}) is version 2 with the CRI plugin and
 * the snapshotters that cannot work here (aufs, btrfs, zfs, devmapper) disabled, no debug or metrics
 * socket, the log level of {@link Options#debug}/{@link Options#logLevel}, and the {@code opt} plugin's
 * dir and containerd's temp dir inside the temp dir. {@link Options#extraConfig(String)} appends TOML.
 *
 * <p>What a test reads: {@link #address()} (gRPC socket), {@link #ttrpcAddress()}, {@link #root()},
 * {@link #state()}, {@link #bundle(String, String)}, {@link #logFile()}/{@link #logText()}, {@link #pid()},
 * {@link #shimProcesses()}; what it does: {@link #ctr(String)}, {@link #kill(String)}, {@link #restart()},
 * {@link #close()}.
 *
 * <p>{@link #restart()} kills containerd with SIGKILL and starts it again on the same dirs: running shims
 * and tasks survive it. {@link #close()} leaves nothing behind: it stops background ctr processes, kills
 * and deletes every task and container (through ctr), stops containerd, kills the shims it started (any
 * process whose arguments have {@code -address <our socket>}) with their children, removes their sockets,
 * unmounts whatever is still mounted under the temp dir, removes the empty cgroups named after the
 * namespaces used through {@link #ctr(String)}, and deletes the temp dir. A JVM shutdown hook calls it too
 * when a test forgets to.
 *
 * <p>The stock runc shim puts its socket in /run/containerd/s (the Go shim library hard-codes it) and runc
 * keeps state in /run/containerd/runc/&lt;ns&gt; unless {@code ctr run} gets {@code --runc-root} (see
 * {@link #runcRoot()}): close removes those sockets, runc's state of our containers (their rootfs is in
 * our dir), and those dirs if they did not exist before and are empty; nothing else there.
 */
public final class Containerd implements AutoCloseable {
    /**
     * The containerd build the tests run: Debian 12's (1.6, {@code /usr/bin}) unless the system property
     * {@code wasmj.containerd.dir} names another's {@code usr} directory (scripts/fetch-containerd.sh unpacks
     * Debian 13's 1.7 and unstable's 2.1 there). Its ctr and runc shim come from the same directory.
     */
    public static final Path BIN = Path.of(System.getProperty("wasmj.containerd.dir", "/usr")).resolve("bin");
    public static final Path CONTAINERD = BIN.resolve("containerd");
    /** That build's major version (1 or 2): 2.x reads a {@code version = 3} configuration. */
    public static final int MAJOR = version()[0];
    /** The build's minor version (6 for 1.6.20). */
    public static final int MINOR = version()[1];
    private static final Path RUNC_DEFAULT_ROOT = Path.of("/run/containerd/runc");
    private static final String STANDARD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Options options;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final Set<Ctr.Background> backgrounds = ConcurrentHashMap.newKeySet();
    /** Shared dirs the runc shim and runc create that did not exist when we started: removed if empty. */
    private final Set<Path> sharedDirsToRemove = ConcurrentHashMap.newKeySet();
    private final Thread shutdownHook;
    private volatile Process process;
    private volatile boolean closed;

    /** What {@link #start(Options)} takes; every setting is optional. */
    public static final class Options {
        private Path shimDir;
        private Path parentDir;
        private String logLevel = "info";
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration ctrTimeout = Ctr.DEFAULT_TIMEOUT;
        private String extraConfig = "";
        private Function<Path, String> criConfig;
        private final Map<String, String> env = new LinkedHashMap<>();

        private Options() {}

        /** A dir put first on containerd's PATH: where a test installs {@code containerd-shim-<name>-<v>}. */
        public Options shimDir(Path dir) {
            this.shimDir = dir.toAbsolutePath();
            return this;
        }

        /** debug: containerd logs at debug level (and starts shims with {@code -debug}); else info. */
        public Options debug(boolean debug) {
            this.logLevel = debug ? "debug" : "info";
            return this;
        }

        /** trace, debug, info, warn, error. */
        public Options logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        /** Where the temp dir is made (default: java.io.tmpdir). Keep it short: sockets need paths under 108 bytes. */
        public Options parentDir(Path dir) {
            this.parentDir = dir;
            return this;
        }

        /** How long to wait for the socket to answer {@code ctr version} (default 30 s). */
        public Options startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The default timeout of the {@link Ctr}s this containerd makes (default 60 s). */
        public Options ctrTimeout(Duration timeout) {
            this.ctrTimeout = timeout;
            return this;
        }

        /** TOML appended to the generated config (e.g. a plugin's table). */
        public Options extraConfig(String toml) {
            this.extraConfig = this.extraConfig + toml + "\n";
            return this;
        }

        /**
         * Enables containerd's CRI plugin (disabled otherwise) with the TOML that {@code configForDir} makes
         * from this containerd's dir, e.g. its {@code [plugins."io.containerd.grpc.v1.cri"]} tables.
         */
        public Options cri(Function<Path, String> configForDir) {
            this.criConfig = configForDir;
            return this;
        }

        /** An environment variable for containerd, and so for the shims it starts. */
        public Options env(String name, String value) {
            env.put(name, value);
            return this;
        }
    }

    public static Options options() {
        return new Options();
    }

    /** A containerd with default options. */
    public static Containerd start() {
        return start(options());
    }

    /** Starts containerd and waits until its socket answers; throws (having cleaned up) if it does not. */
    public static Containerd start(Options options) {
        if (!Files.isExecutable(CONTAINERD) || !Files.isExecutable(Ctr.CTR)) {
            throw new IllegalStateException(CONTAINERD + " or " + Ctr.CTR + " missing: apt-get install containerd");
        }
        Path dir;
        try {
            Path parent = options.parentDir != null ? options.parentDir : Path.of(System.getProperty("java.io.tmpdir"));
            dir = Files.createTempDirectory(Files.createDirectories(parent), "ctrd-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Containerd c = new Containerd(options, dir);
        try {
            c.writeConfig();
            c.launch();
            return c;
        } catch (RuntimeException | Error e) {
            try {
                c.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private Containerd(Options options, Path dir) {
        this.options = options;
        this.dir = dir;
        this.config = dir.resolve("config.toml");
        this.log = dir.resolve("containerd.log");
        this.shutdownHook = new Thread(this::closeQuietly, "containerd-cleanup-" + dir.getFileName());
        for (String d : List.of("/run/containerd", "/run/containerd/s", "/run/containerd/runc")) noteSharedDir(Path.of(d));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The temp dir holding everything of this containerd. */
    public Path dir() {
        return dir;
    }

    /** The gRPC socket (bare path), what ctr's --address and the shims' -address take. */
    public Path address() {
        return dir.resolve("containerd.sock");
    }

    /** The ttrpc socket shims publish events to (their TTRPC_ADDRESS). */
    public Path ttrpcAddress() {
        return dir.resolve("containerd.sock.ttrpc");
    }

    public Path root() {
        return dir.resolve("root");
    }

    public Path state() {
        return dir.resolve("state");
    }

    public Path configFile() {
        return config;
    }

    /** containerd's stdout and stderr, appended across restarts; the shims' logs are copied into it. */
    public Path logFile() {
        return log;
    }

    public String logText() {
        return Ctr.read(log);
    }

    /**
     * Whether containerd's log holds {@code text}, given up to 5 s: containerd copies a shim's log FIFO into its
     * own log on its own time, so a line the shim wrote before its answer may land after ctr is back.
     */
    public boolean logShows(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!logText().contains(text)) {
            if (System.nanoTime() > deadline) return false;
            Ctr.sleep(50);
        }
        return true;
    }

    /**
     * The exit status our shim logged for container {@code id} ("exited with status N", with its id):
     * ctr task delete prints none. Fails if the shim logged no exit of that container.
     */
    public int loggedExitStatus(String id) {
        Pattern exited = Pattern.compile("msg=\"exited with status (\\d+)\"[^\\n]*id=" + Pattern.quote(id) + "\\b");
        // containerd copies the shim's log FIFO into its own log on its own time: ctr may be back before the line.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Matcher m = exited.matcher(logText());
            if (m.find()) return Integer.parseInt(m.group(1));
            if (System.nanoTime() > deadline) throw new AssertionError("the shim logged no exit of " + id);
            Ctr.sleep(50);
        }
    }

    /** Where ctr's I/O FIFOs go (the {@link Ctr}s made here pass it as --fifo-dir). */
    public Path fifoDir() {
        return dir.resolve("fifo");
    }

    /** A dir for runc's state: pass {@code --runc-root <this>} to {@code ctr run} of runc containers. */
    public Path runcRoot() {
        return dir.resolve("runc");
    }

    /** The bundle containerd gives a task's shim: {@code <state>/io.containerd.runtime.v2.task/<ns>/<id>}. */
    public Path bundle(String namespace, String id) {
        return state().resolve("io.containerd.runtime.v2.task").resolve(namespace).resolve(id);
    }

    /** The pid of the containerd running now. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** A ctr talking to this containerd in this namespace. */
    public Ctr ctr(String namespace) {
        if (namespaces.add(namespace) && !namespace.contains("/")) noteSharedDir(RUNC_DEFAULT_ROOT.resolve(namespace));
        return new Ctr(address(), namespace, dir, fifoDir(), options.ctrTimeout, backgrounds::add);
    }

    /** Sends containerd a signal ("KILL", "TERM", "USR1", ...) and returns without waiting. */
    public void kill(String signal) {
        signal(process.pid(), signal);
    }

    /** Waits for containerd to exit (e.g. after {@link #kill}); false if it still runs after the timeout. */
    public boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Kills containerd with SIGKILL (if it runs) and starts it again with the same config and dirs, waiting
     * until it answers. Shims and their tasks keep running; containerd reconnects to them.
     */
    public void restart() {
        if (isRunning()) {
            process.destroyForcibly();
            if (!waitForExit(Duration.ofSeconds(10))) throw new IllegalStateException("containerd survived SIGKILL");
        }
        launch();
    }

    /** Processes (pid -> command line) whose arguments hold {@code -address <our socket>}: the shims. */
    public Map<Long, String> shimProcesses() {
        Map<Long, String> out = new LinkedHashMap<>();
        String sock = address().toString();
        processes().forEach((pid, argv) -> {
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                boolean flag = a.equals("-address") || a.equals("--address");
                if ((flag && i + 1 < argv.size() && argv.get(i + 1).equals(sock))
                        || a.equals("-address=" + sock) || a.equals("--address=" + sock)) {
                    if (pid != ProcessHandle.current().pid() && !isCtr(argv)) out.put(pid, String.join(" ", argv));
                    break;
                }
            }
        });
        return out;
    }

    /**
     * Every live process (pid -> command line) whose command line contains the text, e.g. {@code dir()}:
     * after {@link #close()} there is none for this instance's dir.
     */
    public static Map<Long, String> processesMentioning(String text) {
        Map<Long, String> out = new LinkedHashMap<>();
        processes().forEach((pid, argv) -> {
            String line = String.join(" ", argv);
            if (line.contains(text) && pid != ProcessHandle.current().pid()) out.put(pid, line);
        });
        return out;
    }

    /** Mount points (from /proc/self/mountinfo) at or below the path, deepest first. */
    public static List<String> mountsUnder(Path path) {
        String p = path.toString();
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mp = unescape(line.split(" ")[4]);
                if (mp.equals(p) || mp.startsWith(p + "/")) points.add(mp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> deepestFirst = new ArrayList<>(points);
        java.util.Collections.reverse(deepestFirst); // later mounts first, among equals
        deepestFirst.sort(Comparator.comparingLong((String s) -> s.chars().filter(ch -> ch == '/').count()).reversed());
        return deepestFirst;
    }

    private void writeConfig() {
        try {
            for (Path d : List.of(root(), state(), dir.resolve("tmp"), dir.resolve("opt"), fifoDir())) Files.createDirectories(d);
            Files.writeString(config, config(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The TOML containerd runs with ({@code <dir>/config.toml}). */
    public String config() {
        return String.join("\n",
                "# written by " + Containerd.class.getName() + " for one test; everything lives under " + toml(dir),
                "version = " + (MAJOR >= 2 ? 3 : 2),
                "root = " + toml(root()),
                "state = " + toml(state()),
                "temp = " + toml(dir.resolve("tmp")),
                "oom_score = 0",
                "disabled_plugins = [",
                options.criConfig == null ? "  \"io.containerd.grpc.v1.cri\"," : "",
                "  \"io.containerd.snapshotter.v1.aufs\",",
                "  \"io.containerd.snapshotter.v1.btrfs\",",
                "  \"io.containerd.snapshotter.v1.zfs\",",
                "  \"io.containerd.snapshotter.v1.devmapper\",",
                "]",
                "",
                "[grpc]",
                "  address = " + toml(address()),
                "",
                "[ttrpc]",
                "  address = " + toml(ttrpcAddress()),
                "",
                "[debug]",
                "  address = \"\"",
                "  level = " + toml(options.logLevel),
                "",
                "[metrics]",
                "  address = \"\"",
                "",
                "[plugins]",
                "  [plugins.\"io.containerd.internal.v1.opt\"]",
                "    path = " + toml(dir.resolve("opt")),
                // 1.7 and 2.x: NRI (on by default in 2.x) would listen on the host-wide /var/run/nri/nri.sock.
                "  [plugins.\"io.containerd.nri.v1.nri\"]",
                "    disable = true",
                "",
                options.criConfig == null ? "" : options.criConfig.apply(dir),
                options.extraConfig);
    }

    /** From {@code containerd --version}: "containerd github.com/containerd/containerd[/v2] 2.1.9+unknown ...". */
    private static int[] version;

    /** {major, minor} from {@code containerd --version}; {1, 6} when it cannot be run. */
    private static synchronized int[] version() {
        if (version != null) return version;
        version = new int[] {1, 6};
        try {
            Process p = new ProcessBuilder(CONTAINERD.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s(\\d+)\\.(\\d+)").matcher(out);
            if (m.find()) version = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
        } catch (IOException e) {
            // no containerd at all: start() says so
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return version;
    }

    /** Whether the containerd under test is {@code major.minor} or later. */
    public static boolean atLeast(int major, int minor) {
        return MAJOR > major || (MAJOR == major && MINOR >= minor);
    }

    private void launch() {
        try {
            // A containerd killed with SIGKILL leaves its sockets; readiness is judged by the new ones.
            Files.deleteIfExists(address());
            Files.deleteIfExists(ttrpcAddress());
            ProcessBuilder pb = new ProcessBuilder(CONTAINERD.toString(), "--config", config.toString())
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("CONTAINERD_"));
            Set<String> path = new LinkedHashSet<>();
            if (options.shimDir != null) path.add(options.shimDir.toString());
            path.add(BIN.toString()); // this build's containerd-shim-runc-v2
            for (String p : env.getOrDefault("PATH", "").split(":")) if (!p.isEmpty()) path.add(p);
            path.addAll(Arrays.asList(STANDARD_PATH.split(":"))); // runc is in /usr/sbin
            env.put("PATH", String.join(":", path));
            env.putAll(options.env);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + options.startTimeout.toNanos();
        Ctr probe = new Ctr(address(), "default", dir, null, Duration.ofSeconds(10), b -> {});
        Ctr.Result last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("containerd exited with " + process.exitValue() + " while starting; its log:\n"
                        + tail(logText(), 4000));
            }
            if (Files.exists(address())) {
                // ctr waits 10 s for a socket that does not answer unless told otherwise.
                last = probe.run("--connect-timeout", "2s", "version");
                if (last.ok()) return;
            }
            Ctr.sleep(20);
        }
        throw new IllegalStateException("containerd did not answer on " + address() + " in " + options.startTimeout
                + (last == null ? "" : "; ctr version: " + last) + "\nits log:\n" + tail(logText(), 4000));
    }

    /**
     * Stops everything this containerd started and deletes its dir (see the class comment). Throws, after
     * doing all it can, if something could not be removed.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        List<String> problems = new ArrayList<>();
        for (Ctr.Background b : backgrounds) {
            try {
                b.close();
            } catch (RuntimeException e) {
                problems.add("stopping ctr " + b.args() + ": " + e);
            }
        }
        if (isRunning()) removeTasksAndContainers(problems);
        stopContainerd(problems);
        awaitArchiveTraining();
        killShims(problems);
        unmountAll(problems);
        removeNamespaceCgroups();
        removeSharedDirs();
        deleteDir(problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("containerd in " + dir + " left things behind:\n  " + String.join("\n  ", problems));
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
        }
    }

    /** Every task killed and deleted, every container deleted, in every namespace. */
    private void removeTasksAndContainers(List<String> problems) {
        Ctr admin = new Ctr(address(), "default", dir, fifoDir(), Duration.ofSeconds(20), b -> {});
        try {
            Ctr.Result nss = admin.run("namespaces", "ls", "-q");
            if (!nss.ok()) {
                problems.add("ctr namespaces ls: " + nss);
                return;
            }
            for (String ns : nss.lines()) {
                Ctr c = admin.inNamespace(ns.trim());
                for (String id : c.run("task", "ls", "-q").lines()) {
                    // -f kills the task (SIGKILL) and waits before deleting (ctr only warns about a non-zero status).
                    c.run("task", "rm", "-f", id.trim());
                }
                List<String> left = c.run("task", "ls", "-q").lines();
                if (!left.isEmpty()) problems.add("ctr -n " + ns + " task rm -f left tasks " + left);
                for (String id : c.run("containers", "ls", "-q").lines()) {
                    Ctr.Result r = c.run("containers", "rm", id.trim());
                    if (!r.ok()) problems.add("ctr -n " + ns + " containers rm " + id + ": " + r);
                }
            }
        } catch (Ctr.TimeoutException e) {
            problems.add(e.getMessage());
        }
    }

    private void stopContainerd(List<String> problems) {
        Process p = process;
        if (p == null || !p.isAlive()) return;
        p.destroy();
        if (waitForExit(Duration.ofSeconds(10))) return;
        p.destroyForcibly();
        if (!waitForExit(Duration.ofSeconds(10))) problems.add("containerd " + p.pid() + " survived SIGKILL");
    }

    /**
     * A shim server that trains the node's class-data archive writes it when it exits, which it does on its own
     * once containerd's socket is gone (within its tick): killed first, it would leave the next containerd of this
     * build (the next test, a benchmark's measured run) a training server again, and its temporary file behind.
     */
    private void awaitArchiveTraining() {
        if (Files.exists(address())) return; // containerd did not stop cleanly: the server cannot tell it is gone
        Map<Long, Long> parents = processParents();
        List<Long> training = new ArrayList<>();
        shimProcesses().forEach((pid, argv) -> {
            if (!argv.contains("-XX:ArchiveClassesAtExit=")) return;
            training.add(pid);
            long launcher = parents.getOrDefault(pid, pid); // which moves the archive into place, unless reparented
            if (processes().getOrDefault(launcher, List.of()).stream().anyMatch(a -> a.endsWith("containerd-shim-wasmtime-v1"))) {
                training.add(launcher);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (training.stream().anyMatch(Containerd::isLive) && System.nanoTime() < deadline) Ctr.sleep(50);
    }

    /**
     * The shims (found by their {@code -address}) and all their descendants (the containers), plus any
     * other process mentioning our dir, are killed with SIGKILL; then the shims' sockets are removed.
     */
    private void killShims(List<String> problems) {
        Set<Path> sockets = new LinkedHashSet<>();
        Path tasks = state().resolve("io.containerd.runtime.v2.task");
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> s = Files.walk(tasks, 3)) {
                s.filter(p -> p.getFileName().toString().equals("address") && Files.isRegularFile(p)).forEach(p -> {
                    String a = Ctr.read(p).trim();
                    if (a.startsWith("unix://")) sockets.add(Path.of(a.substring("unix://".length())));
                });
            } catch (IOException | UncheckedIOException e) {
                problems.add("reading shim addresses: " + e);
            }
        }
        Set<Long> targets = new LinkedHashSet<>(shimProcesses().keySet());
        targets.addAll(processesMentioning(dir.toString()).keySet());
        targets.remove(ProcessHandle.current().pid());
        Map<Long, List<Long>> children = new HashMap<>();
        processParents().forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid));
        List<Long> queue = new ArrayList<>(targets);
        for (int i = 0; i < queue.size(); i++) {
            for (long child : children.getOrDefault(queue.get(i), List.of())) {
                if (targets.add(child)) queue.add(child);
            }
        }
        targets.remove(ProcessHandle.current().pid());
        for (long pid : targets) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<Long> alive = new LinkedHashSet<>(targets);
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            alive.removeIf(pid -> !isLive(pid));
            if (!alive.isEmpty()) Ctr.sleep(20);
        }
        if (!alive.isEmpty()) problems.add("processes survived SIGKILL: " + alive);
        for (Path sock : sockets) {
            try {
                if (!sock.startsWith(dir)) Files.deleteIfExists(sock);
            } catch (IOException e) {
                problems.add("removing shim socket " + sock + ": " + e);
            }
        }
    }

    private void unmountAll(List<String> problems) {
        for (String mp : mountsUnder(dir)) {
            if (!runQuietly("umount", mp)) runQuietly("umount", "-l", mp);
        }
        List<String> left = mountsUnder(dir);
        if (!left.isEmpty()) problems.add("still mounted: " + left);
    }

    /** runc leaves the cgroup /<namespace> (ctr's default cgroupsPath is /<ns>/<id>): removed when empty. */
    private void removeNamespaceCgroups() {
        // An init a shim kept waiting, killed with it, may still be exiting: its cgroup goes once it has.
        for (int attempt = 0; attempt < 20 && removeNamespaceCgroupsOnce(); attempt++) Ctr.sleep(100);
    }

    /** One pass; whether the cgroup of a waiting init (wasmj-ready-*) is still there. */
    private boolean removeNamespaceCgroupsOnce() {
        boolean waitingLeft = false;
        Path base = Path.of("/sys/fs/cgroup");
        List<Path> hierarchies = new ArrayList<>(List.of(base));
        try (Stream<Path> s = Files.list(base)) {
            s.filter(Files::isDirectory).forEach(hierarchies::add);
        } catch (IOException e) {
            return false;
        }
        for (String ns : namespaces) {
            if (ns.isEmpty() || ns.contains("/") || ns.startsWith(".")) continue;
            for (Path h : hierarchies) {
                Path top = h.resolve(ns);
                if (!Files.isDirectory(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                List<Path> dirs = new ArrayList<>();
                try (Stream<Path> s = Files.walk(top)) {
                    s.filter(Files::isDirectory).forEach(dirs::add);
                } catch (IOException | UncheckedIOException e) {
                    continue;
                }
                dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
                for (Path d : dirs) {
                    try {
                        Files.delete(d); // rmdir: fails, harmlessly, while the cgroup has processes or children
                    } catch (IOException ignored) {
                        // in use (perhaps by another containerd using the same namespace name)
                        if (d.getFileName().toString().startsWith("wasmj-ready-")) waitingLeft = true;
                    }
                }
            }
        }
        return waitingLeft;
    }

    private void noteSharedDir(Path d) {
        if (!Files.exists(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) sharedDirsToRemove.add(d);
    }

    /**
     * runc's state of our containers in its default root (their rootfs is in our dir: left when a shim was
     * killed), then rmdir, deepest first, of what appeared in /run/containerd since we started, if empty.
     */
    private void removeSharedDirs() {
        String ours = "\"rootfs\":\"" + dir + "/";
        for (String ns : namespaces) {
            if (ns.isEmpty() || ns.contains("/") || ns.startsWith(".")) continue;
            Path nsDir = RUNC_DEFAULT_ROOT.resolve(ns);
            if (!Files.isDirectory(nsDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            try (Stream<Path> s = Files.list(nsDir)) {
                for (Path container : s.toList()) {
                    Path stateJson = container.resolve("state.json");
                    if (!Files.isRegularFile(stateJson) || !Ctr.read(stateJson).contains(ours)) continue;
                    try (Stream<Path> files = Files.list(container)) {
                        for (Path f : files.toList()) Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(container);
                }
            } catch (IOException | UncheckedIOException e) {
                // best effort: runc's dir, not ours
            }
        }
        List<Path> dirs = new ArrayList<>(sharedDirsToRemove);
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException notEmptyOrInUse) {
                // another containerd's (or the system's) shims or runc use it
            }
        }
    }

    private void deleteDir(List<String> problems) {
        Set<Path> stillMounted = new LinkedHashSet<>();
        for (String mp : mountsUnder(dir)) stillMounted.add(Path.of(mp));
        if (stillMounted.contains(dir)) return;
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    // Never delete into something still mounted (it could be a bind mount of host files).
                    return stillMounted.contains(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) throw e;
                    if (!stillMounted.contains(d)) Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add("deleting " + dir + ": " + e);
        }
    }

    // --- /proc and small helpers

    /** pid -> argv of every process with a command line (not kernel threads, not zombies). */
    static Map<Long, List<String>> processes() {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.filter(p -> isNumber(p.getFileName().toString())).forEach(p -> {
                try {
                    byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
                    if (raw.length == 0) return;
                    String text = new String(raw, StandardCharsets.UTF_8);
                    if (text.endsWith("\0")) text = text.substring(0, text.length() - 1);
                    out.put(Long.parseLong(p.getFileName().toString()), List.of(text.split("\0", -1)));
                } catch (IOException ignored) {
                    // ended meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** pid -> parent pid of every process. */
    public static Map<Long, Long> processParents() {
        Map<Long, Long> out = new HashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.filter(p -> isNumber(p.getFileName().toString())).forEach(p -> {
                String[] f = statFields(p);
                if (f != null) out.put(Long.parseLong(p.getFileName().toString()), Long.parseLong(f[1]));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Alive and not a zombie. */
    static boolean isLive(long pid) {
        String[] f = statFields(Path.of("/proc", Long.toString(pid)));
        return f != null && !f[0].equals("Z") && !f[0].equals("X");
    }

    /** The fields of /proc/pid/stat after the command name: state, ppid, ...; null if gone. */
    private static String[] statFields(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static boolean isCtr(List<String> argv) {
        String a0 = argv.get(0);
        return a0.equals("ctr") || a0.endsWith("/ctr");
    }

    /** kill -s SIGNAL pid (e.g. "SIGKILL", "WINCH"); fails if kill does. */
    public static void signal(long pid, String signal) {
        if (!runQuietly("kill", "-s", signal.startsWith("SIG") ? signal.substring(3) : signal, Long.toString(pid))) {
            throw new IllegalStateException("kill -s " + signal + " " + pid + " failed");
        }
    }

    /** Runs a short command, output discarded; true when it exits 0 within 20 s. */
    private static boolean runQuietly(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException ignored) {
                    // a lone backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String toml(Object value) {
        return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
