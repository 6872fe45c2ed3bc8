package dev.wasmj.it.support;

import dev.wasmj.it.containerd.Containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The running shim servers, found the way that holds whatever started them: a JVM holding a listening
 * unix socket in a shim socket directory ({@code <containerd socket dir>/s}). Command lines do not tell:
 * a server is started as {@code start} (which goes on serving) or as {@code serve}, and the first server on
 * a machine runs under its launcher script, which holds the socket too while it waits to save the CDS
 * archive, so processes are counted only if they are JVMs.
 */
public final class ShimServers {
    private ShimServers() {}

    /** Socket path -> pids of the JVMs serving it, for sockets directly in {@code socketDir}. */
    public static Map<String, List<Long>> in(Path socketDir) {
        Map<String, String> socketByInode = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 8 || !f[7].startsWith(socketDir + "/")) continue;
                // a namespace's start socket (ns-<namespace>.start) is not an address containerd connects to
                if (Path.of(f[7]).getParent().equals(socketDir) && !f[7].endsWith(".start")) {
                    socketByInode.put("socket:[" + f[6] + "]", f[7]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, List<Long>> servers = new TreeMap<>();
        if (socketByInode.isEmpty()) return servers;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (!isJvm(proc)) continue;
                for (String socket : socketsHeld(proc, socketByInode)) {
                    servers.computeIfAbsent(socket, k -> new ArrayList<>()).add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // A server's child in the middle of its spawn (an init JVM, before its execve closes them) shares the
        // server's fds and is still its java: not a second server.
        Map<Long, Long> parents = Containerd.processParents();
        for (List<Long> pids : servers.values()) pids.removeIf(pid -> pids.contains(parents.getOrDefault(pid, -1L)));
        return servers;
    }

    /**
     * The JVMs serving one shim address ({@code unix:///...}, as in a bundle's address file); a group a shared
     * server took has a link to that server's socket as its address.
     */
    public static List<Long> serving(String address) {
        Path socket = Path.of(address.trim().replaceFirst("^unix://", ""));
        try {
            if (Files.isSymbolicLink(socket)) socket = socket.resolveSibling(Files.readSymbolicLink(socket));
        } catch (IOException e) {
            return List.of();
        }
        return in(socket.getParent()).getOrDefault(socket.toString(), List.of());
    }

    private static boolean isJvm(Path proc) {
        try {
            return Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString().equals("java");
        } catch (IOException e) {
            return false; // gone, or a kernel thread
        }
    }

    private static List<String> socketsHeld(Path proc, Map<String, String> socketByInode) {
        List<String> held = new ArrayList<>();
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String socket = socketByInode.get(Files.readSymbolicLink(fd).toString());
                    if (socket != null && !held.contains(socket)) held.add(socket);
                } catch (IOException ignored) {
                    // closed while we looked
                }
            }
        } catch (IOException ignored) {
            // the process ended while we looked
        }
        return held;
    }
}
