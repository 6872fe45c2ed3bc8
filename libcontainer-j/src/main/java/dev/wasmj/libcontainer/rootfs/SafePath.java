package dev.wasmj.libcontainer.rootfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path of the container (e.g. a mount destination) to a host path that stays inside the
 * rootfs, following symlinks as the container would see them: an absolute link target is relative to
 * the rootfs, and ".." stops at the rootfs. Without this a rootfs with {@code /proc -> /etc} would have
 * the runtime mount over the host's /etc.
 */
public final class SafePath {
    private static final int MAX_LINKS = 255;

    private SafePath() {}

    public static Path resolve(Path rootfs, String containerPath) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, containerPath);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!done.isEmpty()) done.removeLast();
                continue;
            }
            Path candidate = join(rootfs, done).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) throw new IOException("too many symlinks resolving " + containerPath);
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) done.clear();
                push(todo, target);
                continue;
            }
            done.addLast(part);
        }
        return join(rootfs, done);
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) todo.push(parts[i]);
    }

    private static Path join(Path rootfs, Deque<String> parts) {
        Path p = rootfs;
        for (String part : parts) p = p.resolve(part);
        return p;
    }

    /** True when the resolved path exists and is a directory, without following a final symlink. */
    static boolean isDirectory(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }
}
