package dev.wasmj.shim.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmj.oci.image.MediaTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmLayerFetcherTest {
    private static final List<String> CORE = List.of(MediaTypes.WASM, MediaTypes.WASM_MODULE_LAYER, MediaTypes.WASM_CONTENT_LAYER);
    private static final byte[] MODULE = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @TempDir
    Path bundle;
    final FakeImageStore store = new FakeImageStore();

    /** An image "img" of container "c1" whose manifest has these layers. */
    private Blob image(Blob... layers) {
        StringBuilder list = new StringBuilder();
        for (Blob l : layers) {
            if (list.length() > 0) list.append(',');
            list.append(descriptor(l));
        }
        Blob config = store.put(MediaTypes.OCI_CONFIG, "{\"os\":\"wasi\",\"architecture\":\"wasm\"}");
        Blob manifest = store.put(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"config\":" + descriptor(config)
                + ",\"layers\":[" + list + "]}");
        store.images.put("img", manifest);
        store.containers.put("c1", "img");
        return manifest;
    }

    private static String descriptor(Blob b) {
        return "{\"mediaType\":\"" + b.mediaType() + "\",\"digest\":\"" + b.digest() + "\",\"size\":" + b.size() + "}";
    }

    private Optional<Path> fetch() throws ImageException {
        return new WasmLayerFetcher(store, CORE).fetch("c1", bundle);
    }

    @Test
    void aModuleLayerIsCopiedIntoTheBundleAndListedInItsIndex() throws Exception {
        Blob layer = store.put(MediaTypes.WASM, MODULE);
        image(layer);
        Path index = fetch().orElseThrow();
        assertEquals(bundle.resolve("wasm-layers/layers.json"), index);
        JsonNode list = new ObjectMapper().readTree(index.toFile());
        assertEquals(1, list.size());
        assertEquals(layer.digest(), list.get(0).path("digest").asText());
        assertEquals(MediaTypes.WASM, list.get(0).path("mediaType").asText());
        assertArrayEquals(MODULE, Files.readAllBytes(Path.of(list.get(0).path("path").asText())));
    }

    @Test
    void aRegularImageAndAContainerWithoutImageAreNotArtifacts() throws Exception {
        image(store.put(MediaTypes.OCI_LAYER_GZIP, new byte[] {31, (byte) 139, 8}));
        assertEquals(Optional.empty(), fetch(), "tar layers only");
        store.containers.remove("c1");
        assertEquals(Optional.empty(), fetch(), "no image");
        assertFalse(Files.exists(bundle.resolve("wasm-layers")));
    }

    @Test
    void anIndexGivesItsWasiWasmManifest() throws Exception {
        Blob wasmLayer = store.put(MediaTypes.WASM, MODULE);
        Blob wasmManifest = image(wasmLayer);
        Blob linuxManifest = store.put(MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"layers\":[]}");
        Blob index = store.put(MediaTypes.OCI_INDEX, "{\"schemaVersion\":2,\"manifests\":["
                + descriptor(linuxManifest).replace("}", ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}") + ","
                + descriptor(wasmManifest).replace("}", ",\"platform\":{\"os\":\"wasi\",\"architecture\":\"wasm\"}}") + "]}");
        store.images.put("img", index);
        assertTrue(fetch().isPresent());
        assertTrue(store.readDigests.contains(wasmManifest.digest()));
        assertFalse(store.readDigests.contains(linuxManifest.digest()));
    }

    @Test
    void aComponentLayerIsRefusedNamingItsType() {
        image(store.put(MediaTypes.WASM_COMPONENT_LAYER, new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0}));
        ImageException e = assertThrows(ImageException.class, this::fetch);
        assertTrue(e.getMessage().contains("is a Wasm component, and this engine runs core modules only"), e.getMessage());
        assertTrue(e.getMessage().contains(MediaTypes.WASM_COMPONENT_LAYER), e.getMessage());
        assertFalse(Files.exists(bundle.resolve("wasm-layers")), "nothing copied before the refusal");
    }

    @Test
    void aBlobThatDoesNotMatchItsDigestIsRefusedAndNothingStays() {
        Blob layer = store.put(MediaTypes.WASM, MODULE);
        image(layer);
        store.corrupt = layer.digest();
        ImageException e = assertThrows(ImageException.class, this::fetch);
        assertTrue(e.getMessage().contains("does not match its descriptor"), e.getMessage());
        assertFalse(Files.exists(bundle.resolve("wasm-layers")), "the partial copy is removed");
    }

    @Test
    void aStoreSendingMoreThanTheSizeIsCutOff() {
        image(store.put(MediaTypes.WASM, MODULE));
        store.padding = 1 << 20;
        ImageException e = assertThrows(ImageException.class, this::fetch);
        assertTrue(e.getMessage().contains("more than its size") || e.getMessage().contains("does not match"), e.getMessage());
        assertFalse(Files.exists(bundle.resolve("wasm-layers")));
    }

    @Test
    void aLargeLayerIsReadInRequestsOfAtMostOneChunk() throws Exception {
        byte[] big = new byte[9 << 20];
        System.arraycopy(MODULE, 0, big, 0, MODULE.length);
        Blob layer = store.put(MediaTypes.WASM_MODULE_LAYER, big);
        image(layer);
        fetch().orElseThrow();
        long requests = store.readDigests.stream().filter(layer.digest()::equals).count();
        assertEquals(5, requests, "9 MiB in 2 MiB requests");
        assertTrue(store.reads.stream().allMatch(r -> r[1] <= WasmLayerFetcher.READ_CHUNK));
        assertEquals(big.length, Files.size(bundle.resolve("wasm-layers").resolve(layer.digest().substring(7) + ".wasm")));
    }

    @Test
    void aDigestThatIsNotSha256HexNeverBecomesAFileName() {
        image(new Blob(MediaTypes.WASM, "sha256:../../etc/passwd", 8));
        ImageException e = assertThrows(ImageException.class, this::fetch);
        assertTrue(e.getMessage().contains("not a sha256 digest") || e.getMessage().contains("not found"), e.getMessage());
        assertFalse(Files.exists(bundle.resolve("etc")));
    }
}
