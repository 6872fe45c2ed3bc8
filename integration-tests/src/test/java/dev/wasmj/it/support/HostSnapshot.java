package dev.wasmj.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a container could leave behind on the host: mounts, cgroup directories under a prefix in every
 * hierarchy, processes running our init, and zombie children of this JVM. Compare a snapshot taken
 * before with one taken after.
 */
public record HostSnapshot(Set<String> mounts, Set<String> cgroups, Set<String> initProcesses, Set<String> zombies) {

    public static HostSnapshot take(String cgroupPrefix) {
        return new HostSnapshot(readMounts(), readCgroups(cgroupPrefix), readInitProcesses(), readZombies());
    }

    /** Mount points as this (host) mount namespace sees them. */
    static Set<String> readMounts() {
        Set<String> out = new TreeSet<>();
        for (String line : readLines(Path.of("/proc/self/mountinfo"))) {
            String[] halves = line.split(" - ", 2);
            out.add(halves[0].split(" ")[4] + " " + halves[1].split(" ")[0]);
        }
        return out;
    }

    /**
     * Every directory below the prefix in every cgroup hierarchy. The prefix itself (a parent that a
     * runtime creates like mkdir -p, and leaves, as runc does) is not counted.
     */
    static Set<String> readCgroups(String prefix) {
        Set<String> out = new TreeSet<>();
        Path base = Path.of("/sys/fs/cgroup");
        List<Path> hierarchies = new ArrayList<>();
        hierarchies.add(base);
        try (Stream<Path> s = Files.list(base)) {
            s.filter(Files::isDirectory).forEach(hierarchies::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path h : hierarchies) {
            Path p = h.resolve(prefix.startsWith("/") ? prefix.substring(1) : prefix);
            if (!Files.isDirectory(p)) continue;
            try (Stream<Path> s = Files.walk(p)) {
                s.filter(Files::isDirectory).filter(d -> !d.equals(p)).forEach(d -> out.add(d.toString()));
            } catch (IOException e) {
                // a directory removed while walking is not a leftover
            }
        }
        return out;
    }

    /**
     * Removes the prefix directory (the parent a test's containers had, which runtimes create and leave,
     * as a kubelet's pod cgroup) from every hierarchy, once the test is done with it. Fails if a container's
     * cgroup is still inside: that would be a leftover.
     */
    public static void removeCgroupPrefix(String prefix) {
        Set<String> left = readCgroups(prefix);
        if (!left.isEmpty()) throw new AssertionError("cgroups left under " + prefix + ": " + left);
        Path base = Path.of("/sys/fs/cgroup");
        try (Stream<Path> s = Files.list(base)) {
            for (Path h : s.filter(Files::isDirectory).toList()) {
                Files.deleteIfExists(h.resolve(prefix.startsWith("/") ? prefix.substring(1) : prefix));
            }
            Files.deleteIfExists(base.resolve(prefix.startsWith("/") ? prefix.substring(1) : prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> readInitProcesses() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmdline.contains("dev.wasmj.libcontainer.init.InitMain")) out.add(p.getFileName() + " " + cmdline);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Zombie children of this JVM: a container init that nobody reaped. */
    static Set<String> readZombies() {
        Set<String> out = new TreeSet<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == self) out.add(p.getFileName().toString());
                } catch (IOException ignored) {
                    // the process ended
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
