package dev.wasmj.libcontainer.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Operations on a cgroup directory together with its sub-cgroups (which a container may create). */
final class CgroupTree {
    /** How long rmdir keeps retrying while the last processes exit (EBUSY). */
    static final long REMOVE_TIMEOUT_MILLIS = 1000;

    private CgroupTree() {}

    /** The directory and all directories below it, deepest first. Empty if it does not exist. */
    static List<Path> directoriesDeepestFirst(Path dir) throws CgroupException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isDirectory).forEach(out::add);
        } catch (IOException | UncheckedIOException e) {
            // A sub-cgroup may vanish while we walk; that is fine, the rest is still worth returning.
            Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
            if (!(cause instanceof NoSuchFileException)) {
                throw new CgroupException("cannot list the cgroups below " + dir + ": " + e.getMessage(), e);
            }
        }
        out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return out;
    }

    /** The pids of the cgroup.procs files of the directory and its sub-cgroups, sorted. */
    static List<Long> pids(Path dir) throws CgroupException {
        TreeSet<Long> pids = new TreeSet<>();
        for (Path d : directoriesDeepestFirst(dir)) {
            try {
                pids.addAll(CgroupFiles.readPids(d.resolve("cgroup.procs")));
            } catch (CgroupException e) {
                if (Files.isDirectory(d)) throw e; // else: removed while we looked, so it holds nobody
            }
        }
        return new ArrayList<>(pids);
    }

    /**
     * rmdir of each directory and its sub-cgroups, deepest first. cgroupfs only allows rmdir (the
     * interface files go with the directory) and answers EBUSY while tasks are still in the cgroup, so
     * failures are retried until one shared deadline, {@link #REMOVE_TIMEOUT_MILLIS} from now. Directories
     * that are already gone are fine. All directories are tried; the failures are reported together.
     */
    static void remove(Collection<Path> dirs) throws CgroupException {
        long deadline = System.nanoTime() + REMOVE_TIMEOUT_MILLIS * 1_000_000;
        // The same reason usually applies to the cgroup in every hierarchy: group the paths by it.
        Map<String, List<Path>> failures = new LinkedHashMap<>();
        IOException firstCause = null;
        for (Path dir : dirs) {
            for (Path d : directoriesDeepestFirst(dir)) {
                IOException failure = rmdir(d, deadline);
                if (failure != null) {
                    List<Long> left = safePids(d);
                    String why = CgroupFiles.reason(failure) + (left.isEmpty() ? "" : " (processes still in it: " + left + ")");
                    failures.computeIfAbsent(why, k -> new ArrayList<>()).add(d);
                    if (firstCause == null) firstCause = failure;
                    break; // its parents cannot go either
                }
            }
        }
        if (failures.isEmpty()) return;
        List<String> parts = new ArrayList<>();
        failures.forEach((why, paths) -> parts.add("cannot remove cgroup "
                + String.join(", ", paths.stream().map(Path::toString).toList()) + ": " + why));
        throw new CgroupException(String.join("; ", parts), firstCause);
    }

    /** rmdir, retried until the deadline; null when done (or already gone), else the last failure. */
    private static IOException rmdir(Path d, long deadline) throws CgroupException {
        while (true) {
            try {
                Files.delete(d); // a directory: this is rmdir(2)
                return null;
            } catch (NoSuchFileException gone) {
                return null;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) return e;
                sleep(10);
            }
        }
    }

    private static List<Long> safePids(Path dir) {
        try {
            return pids(dir);
        } catch (CgroupException e) {
            return List.of();
        }
    }

    static void sleep(long millis) throws CgroupException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting for a cgroup", e);
        }
    }
}
