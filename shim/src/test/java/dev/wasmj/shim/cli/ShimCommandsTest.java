package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wasmj.shim.proto.types.RuntimeInfo;
import org.junit.jupiter.api.Test;

class ShimCommandsTest {
    private static final ShimCommands.Identity WASMTIME = new ShimCommands.Identity("wasmtime", "0.1.0", "abc", "v1");

    @Test
    void namesFollowContainerdsConvention() {
        assertEquals("io.containerd.wasmtime.v1", WASMTIME.runtimeType());
        assertEquals("containerd-shim-wasmtime-v1", WASMTIME.binaryName());
    }

    @Test
    void infoIsARuntimeInfoWithNameAndVersion() throws Exception {
        RuntimeInfo info = RuntimeInfo.parseFrom(ShimCommands.info(WASMTIME).toByteArray());
        assertEquals("io.containerd.wasmtime.v1", info.getName());
        assertEquals("0.1.0", info.getVersion().getVersion());
        assertEquals("abc", info.getVersion().getRevision());
    }
}
