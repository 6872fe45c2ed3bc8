package dev.wasmj.engine.wasmtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A path of the container resolved inside its rootfs as the container would see it: symbolic links are
 * followed with the rootfs as {@code /}, and {@code ..} stops at it. Before pivot_root the rootfs is a host
 * directory, and an image's {@code /app.wasm -> /etc/shadow} must not make the engine read the host's file.
 */
final class RootfsPath {
    private static final int MAX_LINKS = 40; // Linux's limit

    private RootfsPath() {}

    /** {@code path} (absolute, or relative to the container's {@code /}) inside {@code rootfs}. */
    static Path resolve(Path rootfs, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>(Arrays.asList(path.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            if (name.isEmpty() || name.equals(".")) continue;
            if (name.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            Path candidate = join(rootfs, done).resolve(name);
            if (!Files.isSymbolicLink(candidate)) {
                done.add(name);
                continue;
            }
            if (++links > MAX_LINKS) throw new IOException(path + ": too many levels of symbolic links");
            String target = Files.readSymbolicLink(candidate).toString();
            if (target.startsWith("/")) done.clear();
            List<String> parts = Arrays.asList(target.split("/"));
            for (int i = parts.size() - 1; i >= 0; i--) todo.addFirst(parts.get(i));
        }
        return join(rootfs, done);
    }

    private static Path join(Path rootfs, List<String> names) {
        Path p = rootfs;
        for (String n : names) p = p.resolve(n);
        return p;
    }
}
