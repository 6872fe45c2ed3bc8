package dev.wasmj.libcontainer.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds argv[0] the way execvp would, inside the container (after pivot_root). */
public final class ExecutableLookup {
    /** The search path when the process has no PATH (as Go's os/exec and runc use). */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ExecutableLookup() {}

    /** The program to exec, or empty when it is not there or not executable. */
    public static Optional<Path> find(String argv0, String pathVariable, String cwd) {
        if (argv0.contains("/")) {
            Path p = Path.of(cwd).resolve(argv0);
            return isExecutableFile(p) ? Optional.of(p) : Optional.empty();
        }
        String search = pathVariable == null ? DEFAULT_PATH : pathVariable;
        for (String dir : search.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(argv0);
            if (isExecutableFile(p)) return Optional.of(p.isAbsolute() ? p : Path.of(cwd).resolve(p));
        }
        return Optional.empty();
    }

    static boolean isExecutableFile(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
