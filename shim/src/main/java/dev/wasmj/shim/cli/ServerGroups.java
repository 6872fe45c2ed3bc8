package dev.wasmj.shim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The groups (pods, or containers of no pod) one shim server serves: the one it was started for, whose socket
 * it listens on, and up to {@code max - 1} more that it took through its start socket ({@link StartListener}).
 * A group it took gets its socket as a symbolic link to this server's socket, so every later {@code start} of
 * the group, and containerd, find this server by the group's usual path; when the server dies the link dangles
 * and the next {@code start} launches a new one.
 *
 * <p>A group stays while a container or pod of it is here; one that never got one (containerd gave up after
 * {@code start}) or lost its last goes after {@link #GRACE}, its link removed.
 */
final class ServerGroups {
    /** containerd's environment: how many groups one server may serve (1: a server per pod or container). */
    static final String MAX_ENV = "WASMJ_SHIM_GROUPS";
    static final int DEFAULT_MAX = 16;
    /** How long a group may be here without a container before it goes (start to Create takes milliseconds). */
    static final Duration GRACE = Duration.ofSeconds(10);

    /** Thrown by {@link #taker} when this server is full: the launcher then starts another server. */
    static final class Full extends IOException {
        Full(String message) {
            super(message);
        }
    }

    private final Path ownSocket;
    private final String address;
    private final String namespace;
    private final int max;
    private final Supplier<Set<String>> liveGroups;
    private final LongSupplier nanos;
    /** Group socket (its own, or a link to it) -> when a start of the group was last answered here. */
    private final Map<Path, Long> groups = new HashMap<>();

    /**
     * @param liveGroups the groups that have a container or a pod in this server now
     */
    ServerGroups(Path ownSocket, String address, String namespace, int max, Supplier<Set<String>> liveGroups,
            LongSupplier nanos) {
        this.ownSocket = ownSocket;
        this.address = address;
        this.namespace = namespace;
        this.max = Math.max(1, max);
        this.liveGroups = liveGroups;
        this.nanos = nanos;
        groups.put(ownSocket, nanos.getAsLong());
    }

    /** The bound from containerd's environment ({@value #MAX_ENV}), else {@value #DEFAULT_MAX}. */
    static int maxFrom(Map<String, String> env) {
        String v = env.get(MAX_ENV);
        if (v == null || v.isBlank()) return DEFAULT_MAX;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(MAX_ENV + " must be a whole number of at least 1, not \"" + v + "\"");
    }

    int max() {
        return max;
    }

    /** How {@link StartCommand} gives a new group to this server: links the group's socket to this server's. */
    StartCommand.ServerLauncher taker() {
        return (shimArgs, bundle, socket) -> take(socket);
    }

    synchronized void take(Path groupSocket) throws IOException {
        if (!groups.containsKey(groupSocket) && groups.size() >= max) {
            throw new Full("this shim server serves " + groups.size() + " groups, its bound (" + MAX_ENV + "=" + max + ")");
        }
        if (!groupSocket.equals(ownSocket)) {
            Files.deleteIfExists(groupSocket);
            Files.createSymbolicLink(groupSocket, ownSocket);
        }
        groups.put(groupSocket, nanos.getAsLong());
    }

    /** A start of a group found here (its socket leads to this server) was answered: it stays for a while. */
    synchronized void touch(Path groupSocket) {
        if (groups.containsKey(groupSocket) || groupSocket.equals(ownSocket)) groups.put(groupSocket, nanos.getAsLong());
    }

    /** Groups here now. */
    synchronized int count() {
        return groups.size();
    }

    synchronized boolean full() {
        return groups.size() >= max;
    }

    /**
     * Lets each group without a container or pod go once {@code grace} has passed since its last start here
     * (its link removed), and says whether this server now serves no group at all.
     */
    synchronized boolean sweep(Duration grace) {
        long now = nanos.getAsLong();
        Set<Path> live = new HashSet<>();
        for (String group : liveGroups.get()) live.add(ShimSocket.path(address, namespace, group));
        for (Iterator<Map.Entry<Path, Long>> it = groups.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Long> group = it.next();
            if (live.contains(group.getKey()) || now - group.getValue() < grace.toNanos()) continue;
            if (!group.getKey().equals(ownSocket)) unlink(group.getKey());
            it.remove();
        }
        return groups.isEmpty();
    }

    /** The links of every group taken: removed when the server exits. */
    synchronized void unlinkAll() {
        for (Path group : groups.keySet()) {
            if (!group.equals(ownSocket)) unlink(group);
        }
        groups.clear();
    }

    /** Removes a group's link if it is still one to this server (a dead server's may have been replaced). */
    private void unlink(Path groupSocket) {
        try {
            if (Files.isSymbolicLink(groupSocket) && Files.readSymbolicLink(groupSocket).equals(ownSocket)) {
                Files.delete(groupSocket);
            }
        } catch (IOException ignored) {
            // gone already
        }
    }
}
