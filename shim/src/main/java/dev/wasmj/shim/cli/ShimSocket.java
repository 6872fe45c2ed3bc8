package dev.wasmj.shim.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
}
