package dev.wasmj.oci.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.oci.OciJson;
import dev.wasmj.oci.runtime.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The image documents a Wasm image is made of. */
class ImageLoaderTest {
    static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void manifestWithAWasmLayer() {
        Manifest m = ImageLoader.manifest("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + DIGEST + "\",\"size\":300},"
                + "\"layers\":[{\"mediaType\":\"application/wasm\",\"digest\":\"" + DIGEST + "\",\"size\":1234,"
                + "\"annotations\":{\"org.opencontainers.image.title\":\"app.wasm\"}}]}", "manifest");
        assertEquals(1, m.getLayers().size());
        assertTrue(MediaTypes.isWasmLayer(m.getLayers().get(0).getMediaType()));
        assertEquals(1234L, m.getLayers().get(0).getSize());
        assertEquals("app.wasm", m.getLayers().get(0).getAnnotations().get("org.opencontainers.image.title"));
    }

    @Test
    void indexWithPlatforms() {
        Index index = ImageLoader.index("{\"schemaVersion\":2,\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + DIGEST + "\",\"size\":10,"
                + "\"platform\":{\"architecture\":\"wasm\",\"os\":\"wasip1\"}},"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + DIGEST + "\",\"size\":11,"
                + "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\",\"os.version\":\"6.1\",\"os.features\":[\"x\"]}}]}",
                "index.json");
        assertEquals(List.of("wasm", "amd64"), index.getManifests().stream().map(d -> d.getPlatform().getArchitecture()).toList());
        assertEquals("6.1", index.getManifests().get(1).getPlatform().getOsVersion());
        assertEquals(List.of("x"), index.getManifests().get(1).getPlatform().getOsFeatures());
        assertTrue(OciJson.toJson(index).contains("\"os.version\" : \"6.1\""), "written back with the spec's name");
    }

    @Test
    void imageConfigForWasi() {
        ImageConfig c = ImageLoader.config("{\"architecture\":\"wasm\",\"os\":\"wasip1\","
                + "\"config\":{\"Entrypoint\":[\"/app.wasm\"],\"Env\":[\"A=1\"],\"WorkingDir\":\"/\"},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + DIGEST + "\"]}}", "config");
        assertEquals("wasm", c.getArchitecture());
        assertEquals("wasip1", c.getOs());
        assertEquals(List.of("/app.wasm"), c.getConfig().getEntrypoint());
        assertEquals(List.of("A=1"), c.getConfig().getEnv());
        assertEquals(List.of(DIGEST), c.getRootfs().getDiffIds());
    }

    @Test
    void badDigestIsNamed() {
        SpecException e = assertThrows(SpecException.class, () -> ImageLoader.manifest("{\"schemaVersion\":2,"
                + "\"config\":{\"mediaType\":\"x\",\"digest\":\"nope\",\"size\":1}}", "manifest"));
        assertEquals("manifest: config.digest: not a digest: \"nope\"", e.getMessage());
    }

    @Test
    void missingArchitectureIsNamed() {
        SpecException e = assertThrows(SpecException.class, () -> ImageLoader.config("{\"os\":\"linux\"}", "config"));
        assertEquals("config: architecture: missing", e.getMessage());
    }

    @Test
    void wasmArtifactWithAComponentLayer() {
        Manifest m = ImageLoader.manifest("{\"schemaVersion\":2,\"artifactType\":\"" + MediaTypes.WASM_CONFIG + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.WASM_CONFIG + "\",\"digest\":\"" + DIGEST + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"" + MediaTypes.WASM_COMPONENT_LAYER + "\",\"digest\":\"" + DIGEST
                + "\",\"size\":99}]}", "manifest");
        assertEquals(MediaTypes.WASM_CONFIG, m.getConfig().getMediaType());
        assertEquals("application/vnd.bytecodealliance.wasm.component.layer.v0+wasm", m.getLayers().get(0).getMediaType());
        assertTrue(MediaTypes.isWasmLayer(m.getLayers().get(0).getMediaType()));
    }

    @Test
    void dockerManifestListWithAVariant() {
        Index list = ImageLoader.index("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\","
                + "\"manifests\":[{\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + DIGEST
                + "\",\"size\":7,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}}]}",
                "index.json");
        assertEquals("application/vnd.docker.distribution.manifest.list.v2+json", list.getMediaType());
        assertEquals("v7", list.getManifests().get(0).getPlatform().getVariant());
    }

    @Test
    void unknownFieldsSurviveARoundTrip() throws Exception {
        ImageConfig c = ImageLoader.config("{\"architecture\":\"wasm\",\"os\":\"wasip2\",\"vendor\":{\"a\":1},"
                + "\"config\":{\"Cmd\":[\"x\"],\"Healthcheck\":{\"Test\":[\"NONE\"]}}}", "config");
        var saved = OciJson.mapper().readTree(OciJson.toJson(c));
        assertEquals(1, saved.get("vendor").get("a").asInt());
        assertEquals("NONE", saved.get("config").get("Healthcheck").get("Test").get(0).asText());
        assertEquals("x", saved.get("config").get("Cmd").get(0).asText());
    }

    @Test
    void wrongTypeNamesTheField() {
        SpecException e = assertThrows(SpecException.class, () -> ImageLoader.manifest("{\"schemaVersion\":2,"
                + "\"config\":{\"mediaType\":\"x\",\"digest\":\"" + DIGEST + "\",\"size\":1},\"layers\":{}}", "manifest"));
        assertTrue(e.getMessage().startsWith("manifest: layers: expected an array, found an object"), e.getMessage());
    }

    @Test
    void syntaxErrorNamesLineAndColumn() {
        SpecException e = assertThrows(SpecException.class, () -> ImageLoader.index("{\n\"schemaVersion\": 2,,\n}", "index.json"));
        assertTrue(e.getMessage().startsWith("index.json: line 2, column "), e.getMessage());
    }
}
