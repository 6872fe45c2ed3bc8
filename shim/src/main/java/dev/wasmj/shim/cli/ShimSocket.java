package dev.wasmj.shim.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the shim of a group listens: {@code <containerd's socket dir>/s/<sha256 of address/namespace/group>},
 * so every container of a group (a pod) computes the same socket, and two containerd instances (e.g. the
 * tests' own) never share one. Falls back to /run/containerd/s when the path would be too long for a unix
 * socket.
 */
final class ShimSocket {
    static final int MAX_PATH = 106;

    private ShimSocket() {}

    static Path path(String address, String namespace, String group) {
        String hash = sha256(address + "/" + namespace + "/" + group);
        Path dir = address.isEmpty() ? Path.of("/run/containerd") : Path.of(address).toAbsolutePath().getParent();
        Path socket = dir.resolve("s").resolve(hash);
        if (socket.toString().length() > MAX_PATH) socket = Path.of("/run/containerd/s", hash);
        return socket;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Held by {@code start} from "does the group's server answer?" until it has bound the socket: a lock on
     * one byte of {@value #LOCK_FILE} in the sockets' directory, the byte chosen by the group's socket name
     * (one file for all groups, so none pile up; a stuck server of one pod cannot hold up another pod's
     * start). A file lock is the process's, so a JVM's own threads queue on {@link #IN_THIS_JVM} first.
     */
    static final class StartLock implements AutoCloseable {
        static final String LOCK_FILE = ".start.lock";
        private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();
        private final FileChannel channel;

        private StartLock(FileChannel channel) {
            this.channel = channel;
        }

        static StartLock acquire(Path socket) throws IOException {
            IN_THIS_JVM.lock();
            FileChannel channel = null;
            try {
                channel = FileChannel.open(socket.resolveSibling(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                channel.lock(byteOf(socket), 1, false);
                return new StartLock(channel);
            } catch (IOException | RuntimeException e) {
                if (channel != null) channel.close();
                IN_THIS_JVM.unlock();
                throw e;
            }
        }

        /** The group's byte: from the hash that names its socket (collisions only make two groups take turns). */
        static long byteOf(Path socket) {
            String name = socket.getFileName().toString();
            return Integer.toUnsignedLong(name.hashCode()) % 65_536;
        }

        /** Closing the channel releases the lock. */
        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                IN_THIS_JVM.unlock();
            }
        }
    }
}
