package dev.wasmj.libcontainer.workload;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds argv[0] as {@link ExecutableLookup} will inside the container, but earlier: before pivot_root, through
 * the host's path of the rootfs. The two views agree only where no symlink is on the way (an absolute link
 * points into the container after pivot_root, into the host before it), so the answer is given only then:
 * empty means "not known before pivot_root", never "not there". An executor uses it to skip work a
 * Linux program does not need (the wasmtime engine's library for a pod's pause container).
 */
public final class RootfsExecutableLookup {
    private RootfsExecutableLookup() {}

    /** The host path of the program the container will exec, if every path looked at on the way has no symlink. */
    public static Optional<Path> find(Path rootfs, String argv0, String pathVariable, String cwd) {
        for (String candidate : candidates(argv0, pathVariable, cwd)) {
            Path host = rootfs;
            boolean present = true;
            for (Path name : Path.of(candidate)) {
                // "." and ".." lexically: every name before them was checked to be no symlink
                if (name.toString().equals(".") || name.toString().equals("..")) {
                    if (!Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) { // after a file: execve's ENOTDIR
                        present = false;
                        break;
                    }
                    if (name.toString().equals("..") && !host.equals(rootfs)) host = host.getParent();
                    continue;
                }
                host = host.resolve(name.toString());
                if (Files.isSymbolicLink(host)) return Optional.empty(); // the views may differ from here on
                if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                    present = false; // absent in both views: execvp goes on to the next directory, as we do
                    break;
                }
            }
            if (present && ExecutableLookup.isExecutableFile(host)) return Optional.of(host);
        }
        return Optional.empty();
    }

    /**
     * The host path of the program the container will exec, when it is known already and is a Linux program (an ELF
     * file or a {@code #!} script): the kernel runs it, never an engine.
     */
    public static Optional<Path> findLinuxProgram(Path rootfs, String argv0, String pathVariable, String cwd) {
        return find(rootfs, argv0, pathVariable, cwd).filter(RootfsExecutableLookup::startsLikeALinuxProgram);
    }

    /** Whether a file starting with these bytes is one the kernel execs: an ELF file or a {@code #!} script. */
    public static boolean isLinuxProgram(byte[] head) {
        boolean elf = head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
        return elf || (head.length >= 2 && head[0] == '#' && head[1] == '!');
    }

    private static boolean startsLikeALinuxProgram(Path file) {
        // the lookup's answer, read again without following a link (it is the container's file, read as root)
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return false;
        try (java.io.InputStream in = java.nio.channels.Channels.newInputStream(
                Files.newByteChannel(file, java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            return isLinuxProgram(in.readNBytes(4));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The container paths execvp tries, in order (as {@link ExecutableLookup#find}). */
    static List<String> candidates(String argv0, String pathVariable, String cwd) {
        List<String> paths = new ArrayList<>();
        if (argv0.isEmpty()) return paths;
        if (argv0.contains("/")) {
            paths.add(Path.of(cwd).resolve(argv0).toString());
            return paths;
        }
        String search = pathVariable == null ? ExecutableLookup.DEFAULT_PATH : pathVariable;
        for (String dir : search.split(":")) {
            paths.add(Path.of(cwd).resolve(dir.isEmpty() ? "." : dir).resolve(argv0).toString());
        }
        return paths;
    }
}
