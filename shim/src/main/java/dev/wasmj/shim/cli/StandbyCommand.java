package dev.wasmj.shim.cli;

import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code standby}: a server JVM started ahead of need, so that the next container's {@code start} finds a
 * JVM that is already running and warmed up instead of starting one (docs/performance.md).
 *
 * <p>It waits on the FIFO {@code <dir>/<pid>.fifo} ({@link #DIR_ENV}). The launcher script claims it by
 * renaming the FIFO (atomic: one claimer wins), writes the request files and then one line to the FIFO:
 * the path prefix {@code P} of {@code P.req} (NUL-separated: the working directory, containerd's
 * arguments to {@code start}, an empty field, then the environment), {@code P.opts} (what containerd wrote
 * to {@code start}'s stdin) and {@code P.reply}, a FIFO on which this JVM answers as {@code start} would on
 * its stdout. It then goes on as that container's server, or, when the container's group already has a
 * live server (a pod's later containers), waits again. With nothing claimed for {@link #IDLE_ENV} seconds
 * (default 600) it renames its FIFO away and exits.
 */
final class StandbyCommand {
    static final String DIR_ENV = "WASMJ_STANDBY_DIR";
    static final String IDLE_ENV = "WASMJ_STANDBY_IDLE_SECONDS";
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);
    /** The launcher's lock while a standby starts (an empty directory), so concurrent starts start one. */
    static final String STARTING = "starting";

    /** What a claim asks for: {@code start} as containerd ran it for one container. */
    record Claim(Path prefix, Path workingDirectory, List<String> args, Map<String, String> env, byte[] options) {
        Path reply() {
            return Path.of(prefix + ".reply");
        }

        static Claim read(Path prefix) throws IOException {
            return parse(prefix, new String(Files.readAllBytes(Path.of(prefix + ".req")), StandardCharsets.UTF_8),
                    Files.readAllBytes(Path.of(prefix + ".opts")));
        }

        /** A request's text (NUL-separated: directory, arguments, an empty field, environment) and options. */
        static Claim parse(Path prefix, String text, byte[] options) throws IOException {
            String[] fields = text.split("\0", -1);
            List<String> args = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            int i = 1;
            for (; i < fields.length && !fields[i].isEmpty(); i++) args.add(fields[i]);
            for (i++; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                if (eq > 0) env.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
            }
            if (fields.length < 2 || args.isEmpty() || fields[0].isEmpty()) {
                throw new IOException("malformed start request" + (prefix == null ? "" : " " + prefix + ".req")
                        + ": no working directory or no arguments");
            }
            return new Claim(prefix, Path.of(fields[0]), args, env, options);
        }

        /** containerd's arguments, with the bundle made explicit: this JVM's working directory is not it. */
        ShimArgs shimArgs() {
            List<String> withBundle = new ArrayList<>(args.subList(0, args.size() - 1));
            withBundle.addAll(List.of("-bundle", workingDirectory.toString(), args.get(args.size() - 1)));
            return ShimArgs.parse(withBundle.toArray(String[]::new));
        }
    }

    /**
     * Answers a claim as {@code start} would; returns how to go on serving the container, or empty when a
     * live server already has its group (a pod's later containers) and this JVM stays a standby.
     */
    interface Server {
        Optional<Callable<Integer>> answer(Claim claim, PrintStream reply) throws Exception;
    }

    private final Syscalls sys;
    private final Path dir;
    private final Duration idle;

    StandbyCommand(Syscalls sys, Map<String, String> env) {
        this.sys = sys;
        String d = env.get(DIR_ENV);
        if (d == null || d.isEmpty()) throw new IllegalArgumentException("standby needs " + DIR_ENV);
        this.dir = Path.of(d);
        this.idle = idleTime(env);
    }

    /** How long a JVM waiting for containers waits: {@value #IDLE_ENV} seconds, else {@link #DEFAULT_IDLE}. */
    static Duration idleTime(Map<String, String> env) {
        if (!env.containsKey(IDLE_ENV)) return DEFAULT_IDLE;
        try {
            return Duration.ofSeconds(Long.parseLong(env.get(IDLE_ENV).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(IDLE_ENV + " is not a number of seconds: " + env.get(IDLE_ENV));
        }
    }

    int run(Server server) throws Exception {
        Path fifo = dir.resolve(ProcessHandle.current().pid() + ".fifo");
        Files.createDirectories(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(fifo), "standby-fifo"));
        sys.mkfifo(fifo.toString(), 0600);
        Files.deleteIfExists(dir.resolve(STARTING)); // waiting now: the launcher may start the next one
        while (true) {
            // Two standbys can end up waiting when starts race (one's FIFO is renamed by a claimer just as another
            // launcher looks, then the claimed one waits again): the younger one then leaves at once, the way an
            // idle one does, so a claimer that got to it first still gets its answer.
            Thread expiry = expireAfterIdle(fifo);
            String line;
            try (InputStream in = Files.newInputStream(fifo)) { // blocks until a claimer (or the expiry) opens it
                line = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (NoSuchFileException taken) {
                // Renamed before this thread got to open it: by the expiry (an older standby already waited), or,
                // rarely, by a claimer, who gets no answer and starts a JVM of its own. Either way: leave.
                deleteQuietly(dir.resolve(ProcessHandle.current().pid() + ".expired"));
                return 0;
            }
            if (line.isEmpty()) { // expired: nobody claimed this JVM
                // The expiry thread removes its renamed FIFO too, but this JVM may exit before it gets there.
                deleteQuietly(dir.resolve(ProcessHandle.current().pid() + ".expired"));
                return 0;
            }
            expiry.interrupt();
            Claim claim = Claim.read(Path.of(line));
            // WRITE without CREATE: a claimer that gave up waiting has removed its reply FIFO, and this JVM then
            // fails here (and exits) rather than leave a file in its place.
            PrintStream reply = new PrintStream(Files.newOutputStream(claim.reply(), StandardOpenOption.WRITE), true,
                    StandardCharsets.UTF_8);
            Optional<Callable<Integer>> serving;
            try {
                serving = server.answer(claim, reply);
                // Still a standby: the next FIFO exists before the claimer has its answer, so its launcher
                // sees a standby waiting and starts no other.
                if (serving.isEmpty()) sys.mkfifo(fifo.toString(), 0600);
            } finally {
                reply.close(); // the end of the claimer's answer
            }
            if (serving.isPresent()) return serving.get().call();
        }
    }

    /**
     * After the idle time, or as soon as an older standby waits too, takes the FIFO back the way a claimer would (rename; if a claimer was first, it
     * keeps it) and opens it for writing, which ends the wait with nothing to read.
     */
    private Thread expireAfterIdle(Path fifo) {
        Thread t = new Thread(() -> {
            try {
                try {
                    long deadline = System.nanoTime() + idle.toNanos();
                    // Checked each second: the older one may be waiting again only after this one started to.
                    while (System.nanoTime() < deadline && !olderStandbyWaits()) {
                        Thread.sleep(Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)));
                    }
                } catch (InterruptedException claimed) {
                    return; // claimed before the idle time was up
                }
                Path expired = dir.resolve(ProcessHandle.current().pid() + ".expired");
                Files.move(fifo, expired);
                try {
                    sys.close(sys.open(expired.toString(), OpenFlags.WRONLY | OpenFlags.NONBLOCK, 0));
                } catch (dev.wasmj.libcontainer.syscall.SyscallException e) {
                    // ENXIO: the waiting thread had not opened it yet; it finds it gone and leaves
                    if (e.errno() != dev.wasmj.libcontainer.syscall.Errno.ENXIO) throw e;
                }
                deleteQuietly(expired);
            } catch (NoSuchFileException claimed) {
                // a claimer renamed it first
            } catch (IOException | RuntimeException e) {
                Runtime.getRuntime().halt(0); // a standby that cannot expire cleanly just goes
            }
        }, "standby-expiry");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Whether another live standby, started before this one (a lower pid), waits in the same directory. */
    boolean olderStandbyWaits() {
        long self = ProcessHandle.current().pid();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[0-9]+\\.fifo"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 5)))
                    .anyMatch(pid -> pid < self && isStandby.test(pid));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether a pid is a live standby; tests replace it, having no older standby JVM to show. */
    java.util.function.LongPredicate isStandby = StandbyCommand::isStandbyProcess;

    /** A live process whose command line ends with this command (a FIFO left by a killed standby names a reused pid). */
    private static boolean isStandbyProcess(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            return cmdline.endsWith("\0standby\0") || cmdline.endsWith("\0standby");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // /run is cleaned at boot
        }
    }
}
