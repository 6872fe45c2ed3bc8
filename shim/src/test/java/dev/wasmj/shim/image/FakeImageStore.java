package dev.wasmj.shim.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory content store standing in for containerd: blobs by digest, images by name, containers' images.
 * Records each read request; {@link #corrupt} and {@link #padding} make it misbehave as a broken peer would.
 */
final class FakeImageStore implements ImageStore {
    final Map<String, byte[]> blobs = new HashMap<>();
    final Map<String, Blob> images = new HashMap<>();
    final Map<String, String> containers = new HashMap<>();
    /** Each read: digest, offset, size. */
    final List<long[]> reads = new ArrayList<>();
    final List<String> readDigests = new ArrayList<>();
    String corrupt;
    int padding;
    boolean closed;

    String put(byte[] bytes) {
        String digest = digest(bytes);
        blobs.put(digest, bytes);
        return digest;
    }

    Blob put(String mediaType, byte[] bytes) {
        return new Blob(mediaType, put(bytes), bytes.length);
    }

    Blob put(String mediaType, String json) {
        return put(mediaType, json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Optional<String> imageOf(String containerId) {
        return Optional.ofNullable(containers.get(containerId));
    }

    @Override
    public Blob target(String imageName) throws ImageException {
        Blob b = images.get(imageName);
        if (b == null) throw new ImageException("image " + imageName + ": not found");
        return b;
    }

    @Override
    public void read(Blob blob, OutputStream out, int chunkSize) throws ImageException {
        byte[] bytes = blobs.get(blob.digest());
        if (bytes == null) throw new ImageException("blob " + blob + ": not found");
        if (blob.digest().equals(corrupt)) {
            bytes = bytes.clone();
            bytes[bytes.length - 1] ^= 1;
        }
        if (padding > 0) {
            byte[] longer = new byte[bytes.length + padding];
            System.arraycopy(bytes, 0, longer, 0, bytes.length);
            bytes = longer;
        }
        try {
            for (long offset = 0; offset < bytes.length; offset += chunkSize) {
                int n = (int) Math.min(chunkSize, bytes.length - offset);
                reads.add(new long[] {offset, n});
                readDigests.add(blob.digest());
                out.write(bytes, (int) offset, n);
            }
        } catch (IOException e) {
            throw new ImageException(blob + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
