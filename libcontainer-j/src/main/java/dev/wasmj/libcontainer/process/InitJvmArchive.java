package dev.wasmj.libcontainer.process;

import dev.wasmj.libcontainer.init.InitMain;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A class-data-sharing archive of the init JVM's classes, so each init loads them from a mapped archive
 * instead of parsing and verifying them (measured in docs/performance.md). An archive is only valid for
 * one JDK, one class path (jars with their size and time) and one set of JVM options, so it is keyed by
 * all of them (except sizes and properties, see {@link #keyedOptions}) and made once by a training run
 * ({@link InitMain#TRAIN}) that lists the classes it loads, then a dump of those; making one removes all but
 * the {@value #KEEP} newest.
 *
 * <p>The archive is static and whole (the JDK's classes the init uses and its own), not a layer on top of
 * the JDK's default archive: each JVM writes to the read-write part of every archived class it loads (its
 * mirror, its methods' entry points), which makes those pages private. The default archive's 4.4 MiB
 * read-write part holds ~1,300 classes of which an init loads about half, spread over most pages; an
 * archive of only the init's classes has them on fewer pages (docs/performance.md). Archives live in
 * {@code /var/cache/libcontainer-j} (or {@code -Dwasmj.cds.dir}); when that is not writable, or the class
 * path holds a directory (a build's classes), the init simply runs without one.
 */
final class InitJvmArchive {
    static final Path DEFAULT_DIR = Path.of("/var/cache/libcontainer-j");
    /** Archives kept: a few JDK and build combinations on one node; older ones go when a new one is made. */
    static final int KEEP = 6;
    /** A training run (a JVM that loads the init's and the executor's classes) takes 1-2 s; this is plenty. */
    static final long TRAINING_TIMEOUT_MILLIS = 60_000;
    /** After a failed training run, how long containers start without an archive before the next attempt. */
    static final long RETRY_AFTER_MILLIS = 10 * 60_000;

    private final Syscalls sys;
    private final Path dir;

    InitJvmArchive(Syscalls sys) {
        this(sys, Path.of(System.getProperty("wasmj.cds.dir", DEFAULT_DIR.toString())));
    }

    InitJvmArchive(Syscalls sys, Path dir) {
        this.sys = sys;
        this.dir = dir;
    }

    /**
     * The JVM option that uses the archive, making the archive first if needed; empty if there can be none.
     * The options are the init JVM's: the archive is keyed on those that shape it ({@link #keyedOptions}), and
     * the training run gets them all, so that the executor trains as it will run. A training run that failed
     * is not retried for {@link #RETRY_AFTER_MILLIS}: the containers of that time start without an archive.
     */
    Optional<String> option(String java, List<String> jvmOptions, List<Path> classpath, String executor) {
        try {
            for (Path p : classpath) {
                if (!Files.isRegularFile(p)) return Optional.empty();
            }
            Path archive = dir.resolve("init-" + key(java, jvmOptions, classpath, executor) + ".jsa");
            if (Files.isRegularFile(archive)) return Optional.of("-XX:SharedArchiveFile=" + archive);
            Path failed = Path.of(archive + ".failed");
            if (Files.exists(failed)
                    && System.currentTimeMillis() - Files.getLastModifiedTime(failed).toMillis() < RETRY_AFTER_MILLIS) {
                return Optional.empty();
            }
            if (!train(java, jvmOptions, classpath, executor, archive)) {
                Files.writeString(failed, "");
                return Optional.empty();
            }
            Files.deleteIfExists(failed);
            return Optional.of("-XX:SharedArchiveFile=" + archive);
        } catch (IOException | SyscallException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs {@code InitMain --train executor}, which loads the init's classes and goes through the executor's
     * own training ({@link dev.wasmj.libcontainer.workload.Executor#train}) while the JVM lists the classes it
     * loaded, lambdas included; then a second JVM, with the same options, dumps those classes into the archive.
     */
    private boolean train(String java, List<String> jvmOptions, List<Path> classpath, String executor, Path archive)
            throws IOException {
        Files.createDirectories(dir);
        removeAbandoned(dir);
        Path tmp = Files.createTempFile(dir, "init-", ".jsa.tmp");
        Path classList = Path.of(tmp + ".classlist");
        Files.delete(tmp); // the JVM creates it
        try {
            List<String> training = jvm(jvmOptions, "-XX:DumpLoadedClassList=" + classList);
            training.add("-cp");
            training.add(join(classpath));
            training.add(InitMain.class.getName());
            training.add(InitMain.TRAIN);
            training.add(executor);
            if (!runs(java, training) || !Files.isRegularFile(classList)) return false;
            // Dumped by G1, whatever the init's collector: JDK 18-24 archive heap objects (the module graph, class
            // mirrors) only from G1, and their Serial loads them; JDK 17's Serial ignores them, as before.
            List<String> dump = jvm(withoutCollector(jvmOptions), "-XX:+UseG1GC", "-Xshare:dump",
                    "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + tmp);
            dump.add("-cp");
            dump.add(join(classpath));
            if (!runs(java, dump) || !Files.isRegularFile(tmp)) return false;
            try {
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(classList);
        }
        pruneOld(dir, "init-", KEEP);
        return true;
    }

    /**
     * Removes what trainings left that are older than two of their steps' timeouts: a server killed while it
     * trained leaves its temporary archive and class list (no training of a live server is that old).
     */
    static void removeAbandoned(Path dir) {
        long before = System.currentTimeMillis() - 2 * TRAINING_TIMEOUT_MILLIS - 60_000;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("init-")
                    && f.getFileName().toString().contains(".jsa.tmp")).toList()) {
                if (Files.getLastModifiedTime(f).toMillis() < before) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a cache that cannot be tidied still works
        }
    }

    /** The options without a choice of garbage collector: a second one would stop the JVM at its start. */
    private static List<String> withoutCollector(List<String> jvmOptions) {
        List<String> out = new ArrayList<>();
        for (String o : jvmOptions) {
            if (!(o.startsWith("-XX:+Use") && o.endsWith("GC"))) out.add(o);
        }
        return out;
    }

    /** The init's options without its -Xshare (the dump sets its own), then {@code extra}. */
    private static List<String> jvm(List<String> jvmOptions, String... extra) {
        List<String> argv = new ArrayList<>();
        argv.add("java");
        for (String o : jvmOptions) {
            if (!o.startsWith("-Xshare:")) argv.add(o);
        }
        argv.addAll(List.of(extra));
        return argv;
    }

    /** Runs one JVM of the training, output discarded; whether it exited 0 within {@link #TRAINING_TIMEOUT_MILLIS}. */
    private boolean runs(String java, List<String> argv) {
        int devNull = sys.open("/dev/null", OpenFlags.RDWR, 0);
        int pid;
        try {
            pid = sys.spawn(SpawnRequest.builder(java).argv(argv).fd(0, devNull).fd(1, devNull).fd(2, devNull).build());
        } finally {
            sys.close(devNull);
        }
        // Bounded: this container starts without an archive rather than wait on a stuck training run.
        WaitStatus status = sys.waitpidOrKill(pid, TRAINING_TIMEOUT_MILLIS);
        return status != null && status.toExitStatus() == 0;
    }

    /**
     * The options an archive depends on. Heap and stack sizes, the processor count and system properties
     * do not change which classes an init loads or how they are laid out, and the heap size varies with
     * every container's memory limit: keyed on them, a node would keep an archive per limit.
     */
    static List<String> keyedOptions(List<String> jvmOptions) {
        List<String> out = new ArrayList<>();
        for (String o : jvmOptions) {
            if (o.startsWith("-Xmx") || o.startsWith("-Xms") || o.startsWith("-Xss") || o.startsWith("-D")
                    || o.startsWith("-XX:ActiveProcessorCount=")) {
                continue;
            }
            out.add(o);
        }
        return out;
    }

    /** Keeps the {@code keep} newest archives named {@code prefix*.jsa} in {@code dir}: older JDKs and builds' are stale. */
    static void pruneOld(Path dir, String prefix, int keep) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> archives = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".jsa")).collect(Collectors.toList());
            archives.sort(Comparator.comparing((Path f) -> {
                try {
                    return Files.getLastModifiedTime(f).toMillis();
                } catch (IOException e) {
                    return 0L;
                }
            }).reversed());
            for (Path old : archives.subList(Math.min(keep, archives.size()), archives.size())) {
                Files.deleteIfExists(old); // a JVM that maps it keeps its mapping
            }
        } catch (IOException e) {
            // a cache that cannot be tidied still works
        }
    }

    static String join(List<Path> classpath) {
        List<String> parts = new ArrayList<>();
        for (Path p : classpath) parts.add(p.toString());
        return String.join(java.io.File.pathSeparator, parts);
    }

    static String key(String java, List<String> jvmOptions, List<Path> classpath, String executor) throws IOException {
        StringBuilder b = new StringBuilder(Path.of(java).toRealPath().toString()).append('\n');
        b.append(System.getProperty("java.vm.version")).append('\n');
        b.append(executor).append('\n');
        for (String o : keyedOptions(jvmOptions)) b.append(o).append('\n');
        for (Path p : classpath) {
            b.append(p.toRealPath()).append(' ').append(Files.size(p)).append(' ')
                    .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
        }
        // A checksum is enough to tell archives apart, and unlike MessageDigest it costs nothing at start-up.
        CRC32C crc = new CRC32C();
        crc.update(b.toString().getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(b.length());
    }
}
