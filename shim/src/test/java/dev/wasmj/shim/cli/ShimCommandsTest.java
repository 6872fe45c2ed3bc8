package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.shim.proto.types.RuntimeInfo;
import org.junit.jupiter.api.Test;

class ShimCommandsTest {
    private static final ShimCommands.Identity WASMTIME = new ShimCommands.Identity("wasmtime", "0.1.0", "abc", "v1");

    @Test
    void theGrpcJarsStayOutOfTheInitJvmsClassPath() {
        assertTrue(ShimCommands.isServerOnly(java.nio.file.Path.of("/opt/shim/lib/grpc/grpc-core-1.76.0.jar")));
        assertFalse(ShimCommands.isServerOnly(java.nio.file.Path.of("/opt/shim/lib/shim.jar")));
        assertFalse(ShimCommands.isServerOnly(java.nio.file.Path.of("/opt/grpc/lib/shim.jar")));
    }

    @Test
    void namesFollowContainerdsConvention() {
        assertEquals("io.containerd.wasmtime.v1", WASMTIME.runtimeType());
        assertEquals("containerd-shim-wasmtime-v1", WASMTIME.binaryName());
    }

    @Test
    void infoIsARuntimeInfoWithNameVersionTheOptionsAndTheOciFeatures() throws Exception {
        com.google.protobuf.Any options = com.google.protobuf.Any.newBuilder()
                .setTypeUrl("containerd.runc.v1.Options").setValue(com.google.protobuf.ByteString.copyFromUtf8("x")).build();
        RuntimeInfo info = RuntimeInfo.parseFrom(ShimCommands.info(WASMTIME, options.toByteArray()).toByteArray());
        assertEquals("io.containerd.wasmtime.v1", info.getName());
        assertEquals("0.1.0", info.getVersion().getVersion());
        assertEquals("abc", info.getVersion().getRevision());
        assertEquals(options, info.getOptions(), "echoed back");
        assertEquals("types.containerd.io/opencontainers/runtime-spec/1/features/Features", info.getFeatures().getTypeUrl());
        com.fasterxml.jackson.databind.JsonNode features = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(info.getFeatures().getValue().toByteArray());
        assertEquals("1.0.0", features.get("ociVersionMin").asText());
        assertEquals("1.2.0", features.get("ociVersionMax").asText());
        assertEquals(false, RuntimeInfo.parseFrom(ShimCommands.info(WASMTIME, new byte[0]).toByteArray()).hasOptions());
    }
}
