package dev.wasmj.it.containerd;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs containerd's {@code ctr} against one containerd and one namespace:
 * {@code ctr --address <socket> --namespace <ns> <args...>}.
 *
 * <pre>{@code
 * Ctr ctr = containerd.ctr("test-ns");
 * Ctr.Result r = ctr.run("run", "--rm", image, "c1", "echo", "hello");   // waits, bounded
 * assertEquals(0, r.exitCode(), r::toString);
 *
 * try (Ctr.Background events = ctr.start("events")) {                   // long-running ctr
 *     ...
 *     events.awaitOutput("/tasks/delete", Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Every call is bounded: {@link #run} waits at most {@link #timeout()} (60 s unless changed with
 * {@link #withTimeout}) and then kills ctr and throws {@link TimeoutException} holding what ctr printed
 * so far. Output goes to temp files, not pipes: a container's process can hold ctr's stdout open, and a
 * full pipe would block ctr.
 *
 * <p>A {@code Ctr} made by {@link Containerd#ctr(String)} keeps ctr's I/O FIFOs in that containerd's temp
 * dir: for {@code run}, {@code task start} and {@code task exec} it adds {@code --fifo-dir <dir>} unless
 * the arguments name one (ctr's default is /run/containerd/fifo). Background ctr processes it starts
 * are stopped by {@link Containerd#close()} at the latest.
 */
public final class Ctr {
    public static final Path CTR = Containerd.BIN.resolve("ctr");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Path address;
    private final String namespace;
    private final Path workDir;
    private final Path fifoDir;
    private final Duration timeout;
    private final Consumer<Background> onStart;

    /** A ctr for any containerd socket; output files go to the system temp dir, FIFOs where ctr puts them. */
    public Ctr(Path address, String namespace) {
        this(address, namespace, null, null, DEFAULT_TIMEOUT, b -> {});
    }

    Ctr(Path address, String namespace, Path workDir, Path fifoDir, Duration timeout, Consumer<Background> onStart) {
        this.address = address;
        this.namespace = namespace;
        this.workDir = workDir;
        this.fifoDir = fifoDir;
        this.timeout = timeout;
        this.onStart = onStart;
    }

    public Path address() {
        return address;
    }

    public String namespace() {
        return namespace;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The same ctr with another default timeout for {@link #run}. */
    public Ctr withTimeout(Duration timeout) {
        return new Ctr(address, namespace, workDir, fifoDir, timeout, onStart);
    }

    /** The same ctr in another namespace. */
    public Ctr inNamespace(String namespace) {
        return new Ctr(address, namespace, workDir, fifoDir, timeout, onStart);
    }

    /** What ctr exited with and printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result, or an AssertionError showing it when ctr did not exit 0. */
        public Result orFail(String what) {
            if (exitCode != 0) throw new AssertionError(what + " failed: " + this);
            return this;
        }

        /** stdout split into lines, without empty ones. */
        public List<String> lines() {
            return stdout.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Thrown when ctr does not finish in time; ctr has been killed. */
    public static final class TimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Result partial;

        TimeoutException(String message, Result partial) {
            super(message + "\n" + partial);
            this.partial = partial;
        }

        /** What ctr printed before it was killed (exit code -1). */
        public Result partial() {
            return partial;
        }
    }

    /** ctr with these arguments, waiting at most {@link #timeout()}. */
    public Result run(String... args) {
        return run(timeout, null, List.of(args));
    }

    public Result run(Duration timeout, String... args) {
        return run(timeout, null, List.of(args));
    }

    /** ctr with these bytes on its stdin (then end of file). */
    public Result runWithInput(byte[] stdin, String... args) {
        return run(timeout, stdin, List.of(args));
    }

    /** ctr with stdin (null: none, i.e. /dev/null), waiting at most timeout. */
    public Result run(Duration timeout, byte[] stdin, List<String> args) {
        Path out = tempFile("ctr-out");
        Path err = tempFile("ctr-err");
        try {
            ProcessBuilder pb = processBuilder(args).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // ctr exited without reading all of it; its exit code tells
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new TimeoutException("ctr " + String.join(" ", args) + " did not finish in " + timeout,
                        new Result(-1, read(out), read(err)));
            }
            return new Result(p.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running ctr " + args, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Starts ctr in the background (e.g. {@code run --rm IMG id sleep 1000}, or {@code events}) with
     * stdin at end of file; see {@link Background}.
     */
    public Background start(String... args) {
        Path out = tempFile("ctr-bg-out");
        Path err = tempFile("ctr-bg-err");
        try {
            Process p = processBuilder(List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Background b = new Background(p, List.of(args), out, err);
            onStart.accept(b);
            return b;
        } catch (IOException e) {
            deleteQuietly(out);
            deleteQuietly(err);
            throw new UncheckedIOException(e);
        }
    }

    /** The full command line ctr runs with for these arguments. */
    public List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(CTR.toString());
        cmd.add("--address");
        cmd.add(address.toString());
        cmd.add("--namespace");
        cmd.add(namespace);
        cmd.addAll(withFifoDir(args));
        return cmd;
    }

    /** {@code ctr task ls}: task id -> status (RUNNING, STOPPED, CREATED, PAUSED, ...). */
    public Map<String, String> tasks() {
        Result r = run("task", "ls").orFail("ctr task ls");
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : r.lines()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && !f[0].equals("TASK")) out.put(f[0], f[2]);
        }
        return out;
    }

    /** The task's status from {@code ctr task ls}, or null when there is no such task. */
    public String taskStatus(String id) {
        return tasks().get(id);
    }

    /** Polls {@code ctr task ls} until the task has this status; AssertionError after timeout. */
    public void awaitTaskStatus(String id, String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        do {
            last = taskStatus(id);
            if (status.equals(last)) return;
            sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("task " + id + " is " + last + ", not " + status + " after " + timeout);
    }

    private List<String> withFifoDir(List<String> args) {
        if (fifoDir == null || args.contains("--fifo-dir") || args.stream().anyMatch(a -> a.startsWith("--fifo-dir="))) {
            return args;
        }
        int at = -1;
        if (!args.isEmpty() && args.get(0).equals("run")) {
            at = 1;
        } else if (args.size() >= 2 && Set.of("t", "task", "tasks").contains(args.get(0))
                && Set.of("start", "exec").contains(args.get(1))) {
            at = 2;
        }
        if (at < 0) return args;
        List<String> out = new ArrayList<>(args);
        out.add(at, fifoDir.toString());
        out.add(at, "--fifo-dir");
        return out;
    }

    private ProcessBuilder processBuilder(List<String> args) {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        // ctr reads these; the command line must be all that decides where it goes.
        pb.environment().keySet().removeIf(k -> k.startsWith("CONTAINERD_"));
        if (workDir != null) pb.directory(workDir.toFile());
        return pb;
    }

    private Path tempFile(String prefix) {
        try {
            return workDir == null ? Files.createTempFile(prefix, ".txt") : Files.createTempFile(workDir, prefix, ".txt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; its dir goes too
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A ctr running in the background. Read what it printed so far with {@link #stdout()}; wait for text
     * with {@link #awaitOutput}; wait for its exit with {@link #waitFor}; or end it with {@link #stop()}
     * (SIGTERM, then SIGKILL after 5 s) or {@link #kill()}. {@link #close()} kills it and deletes its
     * output files.
     */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final List<String> args;
        private final Path out;
        private final Path err;
        private volatile boolean closed;

        Background(Process process, List<String> args, Path out, Path err) {
            this.process = process;
            this.args = args;
            this.out = out;
            this.err = err;
        }

        public long pid() {
            return process.pid();
        }

        public List<String> args() {
            return args;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** What ctr printed on stdout so far. */
        public String stdout() {
            return closed ? "" : read(out);
        }

        public String stderr() {
            return closed ? "" : read(err);
        }

        /** Waits until stdout contains the text; AssertionError showing the output after timeout. */
        public String awaitOutput(String text, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String s = stdout();
                if (s.contains(text)) return s;
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("ctr " + String.join(" ", args) + " did not print \"" + text + "\" in "
                            + timeout + "; alive=" + isAlive() + "\n--- stdout\n" + s + "--- stderr\n" + stderr());
                }
                sleep(20);
            }
        }

        /** Waits for ctr to exit; TimeoutException (ctr left running) after timeout. */
        public Result waitFor(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new TimeoutException("ctr " + String.join(" ", args) + " still running after " + timeout,
                            new Result(-1, stdout(), stderr()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return new Result(process.exitValue(), stdout(), stderr());
        }

        /**
         * Ends ctr (SIGTERM, SIGKILL after 5 s) and returns its exit code and everything it printed. Note
         * that {@code ctr run} passes the SIGTERM on to the task, and a task's PID 1 that does not handle it
         * ignores it: then this takes the 5 s. Use {@link #kill()} to just end ctr.
         */
        public Result stop() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) return kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return kill();
                }
            }
            return new Result(process.isAlive() ? -1 : process.exitValue(), stdout(), stderr());
        }

        /** Ends ctr with SIGKILL (the task, if any, keeps running) and returns what it printed. */
        public Result kill() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Result(process.isAlive() ? -1 : process.exitValue(), stdout(), stderr());
        }

        /** {@link #kill()}s ctr if it still runs and deletes its output files. */
        @Override
        public void close() {
            kill();
            closed = true;
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }
}
