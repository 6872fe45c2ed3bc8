package dev.wasmj.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code libcontainer-j} command (target/dist/bin) as a user would, with its own --root. */
public final class Cli {
    private final Path root;
    private final Path javaHome;

    public Cli(Path root) {
        this(root, Path.of(System.getProperty("java.home")));
    }

    /** The command run on another JDK (JAVA_HOME), e.g. to check it works on 25 as on 17. */
    public Cli(Path root, Path javaHome) {
        this.root = root;
        this.javaHome = javaHome;
    }

    public static Path dist() {
        Path dist = Path.of(System.getProperty("libcontainerj.dist", "../libcontainer-j/target/dist"));
        if (!Files.isExecutable(dist.resolve("bin/libcontainer-j"))) {
            throw new IllegalStateException("no built command at " + dist + "/bin/libcontainer-j: build libcontainer-j first");
        }
        return dist.toAbsolutePath();
    }

    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    public Result runWithInput(String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(dist().resolve("bin/libcontainer-j").toString());
        cmd.add("--root");
        cmd.add(root.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", javaHome.toString());
        // Files, not pipes: a created container keeps the command's stdout and stderr (they are its own),
        // so a pipe would not see its end until the container exits.
        try {
            Path out = Files.createTempFile("lcj-out", ".txt");
            Path err = Files.createTempFile("lcj-err", ".txt");
            try {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile());
                Process p = pb.start();
                if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("libcontainer-j " + String.join(" ", args) + " did not finish in 120 s");
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
