package dev.wasmj.shim.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.wasmj.oci.image.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the Wasm layers of a container's image in containerd's content store and copies them into the
 * bundle, for images that are OCI artifacts: the module is a layer of its own ({@code application/wasm} and
 * kin), not a file of a filesystem layer, so the container's rootfs does not hold it. The image's target may
 * be a manifest or an index (its {@code wasi/wasm} entry is used). Every blob is checked against its
 * digest and size as it is copied; a layer of a type the engine cannot run is refused by name.
 */
public final class WasmLayerFetcher {
    static final Set<String> INDEX_TYPES = Set.of(MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST_LIST);
    static final Set<String> MANIFEST_TYPES = Set.of(MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
    /** gRPC's default largest message is 4 MiB: each read request asks for at most this much. */
    static final int READ_CHUNK = 2 << 20;
    /** Manifests and indexes are small JSON documents; anything larger is not one. */
    static final long MAX_DOCUMENT = 4L << 20;
    /** A layer is copied to the bundle (on /run, memory): bound what one image can take. */
    static final long MAX_LAYER = 1L << 30;
    public static final String LAYERS_DIR = "wasm-layers";
    public static final String LAYERS_INDEX = "layers.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageStore store;
    private final Set<String> runnable;

    /** @param runnable the Wasm layer types the engine runs ({@code Engine.supportedLayerTypes()}) */
    public WasmLayerFetcher(ImageStore store, Iterable<String> runnable) {
        this.store = store;
        this.runnable = Set.copyOf(toList(runnable));
    }

    /** A Wasm layer copied to the bundle. */
    public record Layer(Blob blob, Path file) {}

    /**
     * Copies the Wasm layers of {@code containerId}'s image into {@code <bundle>/wasm-layers/} and lists them
     * in its {@code layers.json} (media type, digest, size, file, in manifest order); returns that index's path,
     * or empty when the image has no Wasm layer (a regular image, or a container without an image).
     */
    public Optional<Path> fetch(String containerId, Path bundle) throws ImageException {
        Optional<String> image = store.imageOf(containerId);
        if (image.isEmpty() || image.get().isEmpty()) return Optional.empty();
        List<Blob> layers = wasmLayers(image.get());
        if (layers.isEmpty()) return Optional.empty();
        Path dir = bundle.resolve(LAYERS_DIR);
        try {
            Files.createDirectories(dir);
            List<Layer> copied = new ArrayList<>();
            for (Blob layer : layers) copied.add(new Layer(layer, copy(image.get(), layer, dir)));
            Path index = dir.resolve(LAYERS_INDEX);
            Files.write(index, indexJson(copied));
            return Optional.of(index);
        } catch (IOException e) {
            remove(bundle);
            throw new ImageException("image " + image.get() + ": cannot copy its Wasm layers into the bundle: " + e.getMessage(), e);
        } catch (ImageException e) {
            remove(bundle);
            throw e;
        }
    }

    /** The Wasm layers of the image's wasi/wasm manifest, refusing those the engine cannot run. */
    List<Blob> wasmLayers(String image) throws ImageException {
        Optional<Blob> manifest = manifestOf(image, store.target(image));
        if (manifest.isEmpty()) return List.of();
        JsonNode doc = document(image, manifest.get());
        List<Blob> wasm = new ArrayList<>();
        for (JsonNode layer : doc.path("layers")) {
            Blob blob = blob(layer);
            if (!MediaTypes.isWasmLayer(blob.mediaType())) continue;
            if (!runnable.contains(blob.mediaType())) {
                throw new ImageException("image " + image + ": layer " + blob + " cannot run here: "
                        + (blob.mediaType().equals(MediaTypes.WASM_COMPONENT_LAYER)
                                ? "it is a Wasm component, and this engine runs core modules only (no component model)"
                                : "the engine runs only " + String.join(", ", new java.util.TreeSet<>(runnable))));
            }
            if (blob.size() > MAX_LAYER) {
                throw new ImageException("image " + image + ": layer " + blob + " is larger than " + (MAX_LAYER >> 20) + " MiB");
            }
            wasm.add(blob);
        }
        return wasm;
    }

    /** The manifest to run: the target itself, or the index's wasi/wasm entry (its only entry, if it has one). */
    private Optional<Blob> manifestOf(String image, Blob target) throws ImageException {
        if (MANIFEST_TYPES.contains(target.mediaType())) return Optional.of(target);
        if (!INDEX_TYPES.contains(target.mediaType())) return Optional.empty();
        List<Blob> entries = new ArrayList<>();
        for (JsonNode entry : document(image, target).path("manifests")) {
            Blob blob = blob(entry);
            if (MANIFEST_TYPES.contains(blob.mediaType())) entries.add(blob);
        }
        for (Blob entry : entries) {
            String platform = entry.platform().orElse("");
            if (platform.equals("wasi/wasm") || platform.equals("wasip1/wasm")) return Optional.of(entry);
        }
        return entries.size() == 1 ? Optional.of(entries.get(0)) : Optional.empty();
    }

    private JsonNode document(String image, Blob blob) throws ImageException {
        if (blob.size() > MAX_DOCUMENT) {
            throw new ImageException("image " + image + ": " + blob + " is too large for a manifest or index");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, blob.size()));
        store.read(blob, out, READ_CHUNK);
        byte[] bytes = out.toByteArray();
        check(image, blob, bytes.length, sha256(bytes));
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ImageException("image " + image + ": " + blob + " is not JSON: " + e.getMessage(), e);
        }
    }

    private Path copy(String image, Blob layer, Path dir) throws IOException, ImageException {
        Path file = dir.resolve(hex(layer.digest()) + ".wasm");
        MessageDigest sha = newSha256();
        long[] count = {0};
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = new DigestOutputStream(new CountingStream(raw, count, layer), sha)) {
            store.read(layer, out, READ_CHUNK);
        }
        check(image, layer, count[0], "sha256:" + HexFormat.of().formatHex(sha.digest()));
        return file;
    }

    private static void check(String image, Blob blob, long size, String digest) throws ImageException {
        if (size != blob.size() || !digest.equals(blob.digest())) {
            throw new ImageException("image " + image + ": " + blob + " read from containerd does not match its descriptor (got "
                    + size + " bytes, " + digest + ")");
        }
    }

    private static byte[] indexJson(List<Layer> layers) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        for (Layer l : layers) {
            list.addObject().put("mediaType", l.blob().mediaType()).put("digest", l.blob().digest())
                    .put("size", l.blob().size()).put("path", l.file().toString());
        }
        return JSON.writeValueAsBytes(list);
    }

    /** Removes {@code <bundle>/wasm-layers}, if there: after a failed create and at delete. */
    public static void remove(Path bundle) {
        Path dir = bundle.resolve(LAYERS_DIR);
        if (!Files.isDirectory(dir)) return;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // containerd removes the bundle with everything in it
        }
    }

    private static Blob blob(JsonNode d) {
        JsonNode p = d.path("platform");
        Optional<String> platform = p.isObject()
                ? Optional.of(p.path("os").asText() + "/" + p.path("architecture").asText()) : Optional.empty();
        return new Blob(d.path("mediaType").asText(), d.path("digest").asText(), d.path("size").asLong(-1), platform);
    }

    /** The hex of "sha256:<hex>", checked to be hex so it is safe as a file name. */
    private static String hex(String digest) throws ImageException {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : "";
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new ImageException("layer digest " + digest + " is not a sha256 digest");
        }
        return hex;
    }

    private static String sha256(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> toList(Iterable<T> items) {
        List<T> out = new ArrayList<>();
        items.forEach(out::add);
        return out;
    }

    /** Counts what passes through, to check a layer's size. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        private final long[] count;
        private final Blob blob;

        CountingStream(OutputStream out, long[] count, Blob blob) {
            super(out);
            this.count = count;
            this.blob = blob;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            // A store that sends more than the descriptor says does not get to fill the disk.
            if (count[0] + len > blob.size()) throw new IOException(blob + ": containerd sent more than its size");
            out.write(b, off, len);
            count[0] += len;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }
}
