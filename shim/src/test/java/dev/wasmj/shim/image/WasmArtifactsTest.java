package dev.wasmj.shim.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.oci.image.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WasmArtifactsTest {
    @TempDir
    Path bundle;

    private Path rootfs() throws IOException {
        return Files.createDirectories(bundle.resolve("rootfs"));
    }

    private void spec(String args, String env, String cwd) throws IOException {
        Files.writeString(bundle.resolve("config.json"), """
                {"ociVersion":"1.0.2","root":{"path":"rootfs"},
                 "process":{"args":%s,"env":%s,"cwd":"%s","user":{"uid":0,"gid":0}}}
                """.formatted(args, env, cwd));
    }

    @Test
    void aProgramInTheRootfsIsFoundByPathAlongPathAndThroughLinks() throws IOException {
        Path rootfs = rootfs();
        Files.createDirectories(rootfs.resolve("bin"));
        Files.write(rootfs.resolve("bin/app.wasm"), new byte[] {0, 'a', 's', 'm'});
        Files.createSymbolicLink(rootfs.resolve("app"), Path.of("/bin/app.wasm"));
        spec("[\"/bin/app.wasm\"]", "[]", "/");
        assertTrue(WasmArtifacts.programInRootfs(bundle, rootfs));
        spec("[\"app.wasm#main\"]", "[\"PATH=/bin\"]", "/");
        assertTrue(WasmArtifacts.programInRootfs(bundle, rootfs), "along PATH, without the #function");
        spec("[\"./app\"]", "[]", "/");
        assertTrue(WasmArtifacts.programInRootfs(bundle, rootfs), "an absolute link resolves inside the rootfs");
    }

    @Test
    void aProgramMissingFromTheRootfsOrNoArgsAtAllIsLookedUpInTheImage() throws IOException {
        Path rootfs = rootfs();
        spec("[\"probe.wasm\",\"args\"]", "[]", "/");
        assertFalse(WasmArtifacts.programInRootfs(bundle, rootfs));
        spec("[\"/etc/passwd\"]", "[]", "/");
        assertFalse(WasmArtifacts.programInRootfs(bundle, rootfs), "the host's /etc/passwd is not the container's");
    }

    @Test
    void theImageIsAskedOnlyWhenTheProgramIsMissing() throws Exception {
        FakeImageStore store = new FakeImageStore();
        store.containers.put("c1", "img");
        Blob layer = store.put(MediaTypes.WASM, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Blob manifest = store.put(MediaTypes.OCI_MANIFEST, "{\"layers\":[{\"mediaType\":\"application/wasm\",\"digest\":\""
                + layer.digest() + "\",\"size\":8}]}");
        store.images.put("img", manifest);
        Path rootfs = rootfs();
        Files.write(rootfs.resolve("app.wasm"), new byte[] {0, 'a', 's', 'm'});
        try (WasmArtifacts artifacts = WasmArtifacts.of(store, List.of(MediaTypes.WASM))) {
            spec("[\"/app.wasm\"]", "[]", "/");
            assertEquals(Optional.empty(), artifacts.layersFor("c1", bundle, rootfs));
            assertTrue(store.readDigests.isEmpty(), "a module in the rootfs costs no call to containerd");
            spec("[\"module.wasm\"]", "[]", "/");
            assertTrue(artifacts.layersFor("c1", bundle, rootfs).isPresent());
        }
        assertTrue(store.closed);
    }

    @Test
    void aShimWithoutAnEngineNeverLooks() throws Exception {
        Path rootfs = rootfs();
        spec("[\"missing\"]", "[]", "/");
        assertEquals(Optional.empty(), WasmArtifacts.none().layersFor("c1", bundle, rootfs));
    }
}
