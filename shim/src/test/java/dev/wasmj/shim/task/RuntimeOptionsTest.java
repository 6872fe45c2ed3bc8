package dev.wasmj.shim.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.runc.Options;
import org.junit.jupiter.api.Test;

class RuntimeOptionsTest {

    private static Any criOptions(String toml) {
        return Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options").setValue(
                dev.wasmj.shim.proto.runtimeoptions.Options.newBuilder().setConfigBody(ByteString.copyFromUtf8(toml))
                        .build().toByteString()).build();
    }

    @Test
    void criSendsTheHandlersOptionsTableAsToml() throws Exception {
        assertTrue(RuntimeOptions.from(criOptions("SystemdCgroup = true\n")).systemdCgroup());
        assertTrue(RuntimeOptions.from(criOptions("BinaryName = \"x\"\n  SystemdCgroup=true # cgroups by systemd\n"))
                .systemdCgroup());
        assertFalse(RuntimeOptions.from(criOptions("SystemdCgroup = false\n")).systemdCgroup());
        assertFalse(RuntimeOptions.from(criOptions("")).systemdCgroup());
        assertFalse(RuntimeOptions.from(criOptions("[sub]\nSystemdCgroup = true\n")).systemdCgroup(),
                "a key of a sub-table is not the handler's");
    }

    @Test
    void orInAFileNamedByConfigPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path toml = java.nio.file.Files.writeString(dir.resolve("wasm.toml"), "SystemdCgroup = true\n");
        Any any = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options").setValue(dev.wasmj.shim.proto.runtimeoptions
                .Options.newBuilder().setConfigPath(toml.toString()).build().toByteString()).build();
        assertTrue(RuntimeOptions.from(any).systemdCgroup());
        Any missing = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options").setValue(dev.wasmj.shim.proto.runtimeoptions
                .Options.newBuilder().setConfigPath(dir.resolve("none.toml").toString()).build().toByteString()).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RuntimeOptions.from(missing));
        assertTrue(e.getMessage().contains("none.toml"), e.getMessage());
    }

    @Test
    void containerdWritesTheOptionsToStartsStdinOrNothing() throws Exception {
        assertFalse(RuntimeOptions.fromStartInput(new byte[0]).systemdCgroup());
        assertTrue(RuntimeOptions.fromStartInput(criOptions("SystemdCgroup = true").toByteArray()).systemdCgroup());
    }

    @Test
    void runcStyleOptionsCarryTheFlagAsAField() throws Exception {
        Any runc = Any.newBuilder().setTypeUrl("containerd.runc.v1.Options")
                .setValue(Options.newBuilder().setSystemdCgroup(true).build().toByteString()).build();
        assertTrue(RuntimeOptions.from(runc).systemdCgroup());
    }

    @Test
    void otherOptionsChangeNothing() throws Exception {
        RuntimeOptions o = RuntimeOptions.from(Any.newBuilder().setTypeUrl("example.com/other").build());
        assertFalse(o.systemdCgroup());
        assertEquals("example.com/other", o.source());
        assertNull(o.refusal());
    }

    @Test
    void systemdCgroupIsRefusedWithWhatToChange() throws Exception {
        String why = RuntimeOptions.from(criOptions("SystemdCgroup = true")).refusal();
        assertTrue(why.startsWith("the runtime's options set SystemdCgroup = true, but "), why);
        assertTrue(why.endsWith("set SystemdCgroup = false in the runtime handler's options (cgroupfs paths work everywhere)"), why);
    }
}
