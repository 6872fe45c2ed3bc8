package dev.wasmj.shim.proto;

import static dev.wasmj.shim.proto.Wire.assertEncodes;
import static dev.wasmj.shim.proto.Wire.assertFields;
import static dev.wasmj.shim.proto.Wire.cat;
import static dev.wasmj.shim.proto.Wire.hex;
import static dev.wasmj.shim.proto.Wire.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.bootstrap.BootstrapParams;
import dev.wasmj.shim.proto.bootstrap.LogLevel;
import dev.wasmj.shim.proto.runtimeoptions.Options;
import dev.wasmj.shim.proto.types.RuntimeInfo;
import dev.wasmj.shim.proto.types.RuntimeVersion;
import org.junit.jupiter.api.Test;

/** What arrives on the `start` stdin, and what `-info` prints. */
class OptionsWireTest {

  @Test
  void runtimeOptionsAsCriSendsThem() throws Exception {
    // Any{type_url "runtimeoptions.v1.Options", value Options{3 config_body "SystemdCgroup = true"}}
    byte[] options = cat(hex("1a 14"), text("SystemdCgroup = true"));
    byte[] stdin = cat(hex("0a 19"), text("runtimeoptions.v1.Options"), hex("12 16"), options);
    Any any = Any.parseFrom(stdin);
    assertEquals("runtimeoptions.v1.Options", any.getTypeUrl());
    Options o = Options.parseFrom(any.getValue());
    assertEquals("SystemdCgroup = true", o.getConfigBody().toStringUtf8());
    assertEquals("", o.getConfigPath());
    assertEncodes(cat(hex("0a 01"), text("t"), hex("12 02"), text("/p"), options),
        o.toBuilder().setTypeUrl("t").setConfigPath("/p").build());
    assertFields(Options.getDescriptor(),
        "type_url=1:string", "config_path=2:string", "config_body=3:bytes");
    assertEquals("runtimeoptions.v1.Options", Options.getDescriptor().getFullName());
  }

  @Test
  void runcOptionsNumbers() {
    var d = dev.wasmj.shim.proto.runc.Options.getDescriptor();
    assertEquals("containerd.runc.v1.Options", d.getFullName());
    assertEquals(9, d.findFieldByName("systemd_cgroup").getNumber());
    assertEquals(6, d.findFieldByName("binary_name").getNumber());
    assertEquals(13, d.findFieldByName("task_api_version").getNumber());
    assertEncodes(hex("48 01"),
        dev.wasmj.shim.proto.runc.Options.newBuilder().setSystemdCgroup(true).build());
  }

  @Test
  void runtimeInfo() {
    RuntimeInfo info = RuntimeInfo.newBuilder()
        .setName("io.containerd.wasmtime.v1")
        .setVersion(RuntimeVersion.newBuilder().setVersion("0.1.0").setRevision("abc"))
        .putAnnotations("k", "v")
        .build();
    assertEncodes(cat(
        hex("0a 19"), text("io.containerd.wasmtime.v1"),      // 1 name (25 bytes)
        hex("12 0c 0a 05"), text("0.1.0"), hex("12 03"), text("abc"), // 2 version
        hex("2a 06 0a 01"), text("k"), hex("12 01"), text("v")),      // 5 annotations entry
        info);
    assertEquals("containerd.types.RuntimeInfo", RuntimeInfo.getDescriptor().getFullName());
    assertFields(RuntimeInfo.getDescriptor(),
        "name=1:string", "version=2:containerd.types.RuntimeVersion",
        "options=3:google.protobuf.Any", "features=4:google.protobuf.Any",
        "annotations=5:map<string,string>");
  }

  @Test
  void bootstrapParams() throws Exception {
    byte[] wire = cat(
        hex("0a 02"), text("c1"),
        hex("12 07"), text("default"),
        hex("18 fc ff ff ff ff ff ff ff ff 01"),  // 3 log_level = -4 (DEBUG): 10-byte varint
        hex("2a 02"), text("/t"),                 // 5 containerd_ttrpc_address
        hex("42 07 0a 05 0a 01"), text("x"), hex("12 00"), // 8 extensions[0]{1 value Any{"x", empty}}
        hex("4a 02"), text("/s"));                // 9 socket_dir
    BootstrapParams p = BootstrapParams.parseFrom(wire);
    assertEquals("c1", p.getInstanceId());
    assertEquals("default", p.getNamespace());
    assertEquals(LogLevel.LOG_LEVEL_DEBUG, p.getLogLevel());
    assertEquals("/t", p.getContainerdTtrpcAddress());
    assertEquals("x", p.getExtensions(0).getValue().getTypeUrl());
    assertEquals("/s", p.getSocketDir());
  }

  @Test
  void bootstrapParamsWithStringLogLevelStillParses() throws Exception {
    // An early upstream draft sent log_level as a string: field 3, wire type 2.
    byte[] wire = cat(hex("0a 02"), text("c1"), hex("1a 05"), text("debug"));
    BootstrapParams p = BootstrapParams.parseFrom(wire);
    assertEquals("c1", p.getInstanceId());
    assertEquals(0, p.getLogLevelValue());
    assertFalse(p.hasSocketDir());
  }

  @Test
  void legacyOptionsOnStdinDoNotLookLikeBootstrapParams() throws Exception {
    // The pre-2.3 stdin (an Any of runtimeoptions) also parses as BootstrapParams, since both
    // begin with a string in field 1: the instance_id/namespace check against -id/-namespace is
    // what tells them apart.
    Any legacy = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
        .setValue(ByteString.copyFrom(hex("1a 00"))).build();
    BootstrapParams p = BootstrapParams.parseFrom(legacy.toByteArray());
    assertEquals("runtimeoptions.v1.Options", p.getInstanceId());
  }
}
