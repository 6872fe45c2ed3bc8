package dev.wasmj.oci.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wasmj.oci.OciJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading real and broken config.json documents. */
class SpecLoaderTest {
    static Path sample(String name) {
        Path dir = Path.of(System.getProperty("shared.samples", "/work/shared/samples"));
        if (!Files.isDirectory(dir)) dir = Path.of("/work/shared/samples");
        return dir.resolve(name);
    }

    @Test
    void loadsTheConfigContainerdGeneratedForAWasmImage() {
        Spec spec = SpecLoader.load(sample("containerd-1.6-wasm-config.json"));
        assertEquals("1.0.2-dev", spec.getOciVersion());
        assertEquals(List.of("/wasi-demo.wasm", "echo", "hello from wasi-demo"), spec.getProcess().getArgs());
        assertTrue(spec.getProcess().getEnv().contains("APP=demo"));
        assertEquals("rootfs", spec.getRoot().getPath());
        assertEquals("/default/demo", spec.getLinux().getCgroupsPath());
        assertEquals(List.of("pid", "ipc", "uts", "mount", "network"),
                spec.getLinux().getNamespaces().stream().map(LinuxNamespace::getType).toList());
        assertEquals(NamespaceType.NETWORK, spec.getLinux().getNamespaces().get(4).namespaceType());
        assertTrue(spec.getLinux().getMaskedPaths().contains("/proc/kcore"));
        assertTrue(spec.getProcess().getCapabilities().getBounding().contains("CAP_NET_RAW"));
        assertEquals("/run", spec.getMounts().get(spec.getMounts().size() - 1).getDestination());
        assertTrue(spec.getLinux().getReadonlyPaths().contains("/proc/sysrq-trigger"));
        assertEquals(Boolean.TRUE, spec.getProcess().getNoNewPrivileges());
        assertEquals(List.of(0), spec.getProcess().getUser().getAdditionalGids());
        PosixRlimit nofile = spec.getProcess().getRlimits().get(0);
        assertEquals("RLIMIT_NOFILE", nofile.getType());
        assertEquals(1024L, nofile.getHard());
        // The resources containerd asks for, as the cgroup code will read them.
        LinuxResources resources = spec.getLinux().getResources();
        assertEquals(1024L, resources.getCpu().getShares());
        LinuxDeviceCgroup denyAll = resources.getDevices().get(0);
        assertEquals(Boolean.FALSE, denyAll.getAllow());
        assertEquals("rwm", denyAll.getAccess());
        assertEquals(null, denyAll.getType());
        LinuxDeviceCgroup pts = resources.getDevices().get(8);
        assertEquals(136L, pts.getMajor());
        assertEquals(null, pts.getMinor(), "no minor means every minor");
        assertTrue(spec.getAnnotations() == null, "containerd wrote no annotations in this sample");
    }

    @Test
    void annotationsAreLoadedAndWritten() throws Exception {
        Spec spec = SpecLoader.parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                + "\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\",\"x\":\"1\"}}", "config.json");
        assertEquals("container", spec.getAnnotations().get("io.kubernetes.cri.container-type"));
        JsonNode saved = OciJson.mapper().readTree(SpecLoader.toJson(spec));
        assertEquals("1", saved.get("annotations").get("x").asText());
    }

    @Test
    void unknownFieldsSurviveARoundTrip() throws Exception {
        String json = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"vendorRoot\":7},"
                + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"futureField\":{\"a\":[1,2]}},"
                + "\"linux\":{\"resources\":{\"memory\":{\"limit\":1048576,\"newKnob\":true}}},"
                + "\"topLevelExtension\":\"kept\"}";
        Spec spec = SpecLoader.parse(json, "config.json");
        JsonNode saved = OciJson.mapper().readTree(SpecLoader.toJson(spec));
        assertEquals("kept", saved.get("topLevelExtension").asText());
        assertEquals(7, saved.get("root").get("vendorRoot").asInt());
        assertEquals(2, saved.get("process").get("futureField").get("a").get(1).asInt());
        assertTrue(saved.get("linux").get("resources").get("memory").get("newKnob").asBoolean());
        assertEquals(1048576, saved.get("linux").get("resources").get("memory").get("limit").asLong());
        assertTrue(saved.get("hostname") == null, "absent fields are not written as null");
        assertTrue(saved.get("unknownFields") == null, "the extra-field map is flattened, not a field itself");
        assertEquals("kept", spec.getUnknownFields().get("topLevelExtension"));
    }

    @Test
    void syntaxErrorNamesLineAndColumn() {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {\"path\" \"rootfs\"}\n}", "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: line 3, column 19: "), e.getMessage());
    }

    @Test
    void syntaxErrorAtTheTopLevelNamesLineAndColumn() {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {},\n   x\n}", "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: line 4, column "), e.getMessage());
    }

    @Test
    void trailingGarbageIsAnError() {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}\n}", "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: ") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void truncatedDocumentNamesWhereItEnded() {
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.parse("{\"ociVersion\": \"1.2.0\",\n \"process\": {", "config.json"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheField() {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(
                "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":\"sh\",\"cwd\":\"/\"}}",
                "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: process.args: expected an array, found a string (line 1, column "),
                e.getMessage());
    }

    @Test
    void wrongTypeInsideAListNamesTheIndex() {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(
                "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
                        + "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":[\"x\"]}]}}",
                "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: linux.namespaces[1].type: expected a string"), e.getMessage());
    }

    @Test
    void numberTooLargeForItsFieldNamesTheField() {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(
                "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
                        + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":99999999999}}}",
                "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: process.user.uid: "), e.getMessage());
    }

    @Test
    void documentThatIsNotAnObjectIsRejected() {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("[1]", "config.json"));
        assertTrue(e.getMessage().startsWith("config.json: expected an object, found an array"), e.getMessage());
    }

    @Test
    void missingFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("bundle/config.json");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(missing));
        assertEquals("config.json: no such file " + missing, e.getMessage());
    }

    @Test
    void emptyFileIsAnError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), "");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(file));
        assertTrue(e.getMessage().startsWith("config.json: "), e.getMessage());
    }

    @Test
    void stateDocumentRoundTrips() throws Exception {
        State s = new State();
        s.setOciVersion("1.2.0");
        s.setId("c1");
        s.setStatus(ContainerStatus.RUNNING.jsonName());
        s.setPid(42);
        s.setBundle("/b");
        s.setAnnotations(Map.of("k", "v"));
        State back = OciJson.parse(OciJson.toJson(s), "state", State.class);
        assertEquals("running", back.getStatus());
        assertEquals(ContainerStatus.RUNNING, back.containerStatus());
        assertEquals(42, back.getPid());
        assertEquals(Map.of("k", "v"), back.getAnnotations());
    }

    @Test
    void enumsMapTheirJsonNames() {
        assertEquals(NamespaceType.CGROUP, NamespaceType.fromJson("cgroup").orElseThrow());
        assertTrue(NamespaceType.fromJson("netwrk").isEmpty());
        assertEquals("time", NamespaceType.TIME.jsonName());
        assertEquals(ContainerStatus.PAUSED, ContainerStatus.fromJson("paused").orElseThrow());
        assertTrue(ContainerStatus.fromJson("zombie").isEmpty());
        LinuxNamespace ns = new LinuxNamespace();
        ns.setType("netwrk");
        assertThrows(IllegalArgumentException.class, ns::namespaceType);
    }
}
