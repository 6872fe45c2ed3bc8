package dev.wasmj.shim.proto;

import static dev.wasmj.shim.proto.Wire.assertEncodes;
import static dev.wasmj.shim.proto.Wire.assertFields;
import static dev.wasmj.shim.proto.Wire.cat;
import static dev.wasmj.shim.proto.Wire.hex;
import static dev.wasmj.shim.proto.Wire.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.rpc.Status;
import dev.wasmj.shim.proto.task.v2.WaitRequest;
import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import dev.wasmj.shim.proto.ttrpc.Response;
import org.junit.jupiter.api.Test;

/** The ttrpc envelope (ttrpc.Request/Response) and google.rpc.Status, byte for byte. */
class TtrpcWireTest {

  // WaitRequest{id:"c1"}: field 1, wire type 2 -> tag 0x0a, length 2.
  private static final byte[] WAIT_C1 = hex("0a 02 63 31");

  @Test
  void waitRequestPayload() {
    assertEncodes(WAIT_C1, WaitRequest.newBuilder().setId("c1").build());
  }

  @Test
  void requestEncodesServiceMethodPayload() throws Exception {
    Request req = Request.newBuilder()
        .setService("containerd.task.v2.Task")
        .setMethod("Wait")
        .setPayload(ByteString.copyFrom(WAIT_C1))
        .build();
    byte[] expected = cat(
        hex("0a 17"), text("containerd.task.v2.Task"), // 1 service, 23 bytes
        hex("12 04"), text("Wait"),                    // 2 method
        hex("1a 04"), WAIT_C1);                        // 3 payload
    assertEncodes(expected, req);
    assertEquals(req, Request.parseFrom(expected));
  }

  @Test
  void requestWithDeadlineAndMetadata() throws Exception {
    // What containerd sends on reconnect: State with a 2 s deadline and the namespace header.
    byte[] expected = cat(
        hex("0a 17"), text("containerd.task.v2.Task"),
        hex("12 05"), text("State"),
        hex("1a 04"), WAIT_C1,
        hex("20 80 a8 d6 b9 07"),                          // 4 timeout_nano = 2_000_000_000 (varint)
        hex("2a 25"),                                      // 5 metadata, 37 bytes
        hex("0a 1a"), text("containerd-namespace-ttrpc"),  //   KeyValue.key (26 bytes)
        hex("12 07"), text("default"));                    //   KeyValue.value
    Request parsed = Request.parseFrom(expected);
    assertEquals("containerd.task.v2.Task", parsed.getService());
    assertEquals("State", parsed.getMethod());
    assertEquals(2_000_000_000L, parsed.getTimeoutNano());
    assertEquals(1, parsed.getMetadataCount());
    assertEquals("containerd-namespace-ttrpc", parsed.getMetadata(0).getKey());
    assertEquals("default", parsed.getMetadata(0).getValue());
    assertEquals("c1", WaitRequest.parseFrom(parsed.getPayload()).getId());
    assertEncodes(expected, parsed);
  }

  @Test
  void keyValue() {
    assertEncodes(cat(hex("0a 01"), text("k"), hex("12 01"), text("v")),
        KeyValue.newBuilder().setKey("k").setValue("v").build());
  }

  @Test
  void responseWithPayloadHasNoStatus() throws Exception {
    byte[] expected = cat(hex("12 04"), WAIT_C1); // 2 payload only
    Response resp = Response.newBuilder().setPayload(ByteString.copyFrom(WAIT_C1)).build();
    assertEncodes(expected, resp);
    assertFalse(Response.parseFrom(expected).hasStatus());
  }

  @Test
  void responseWithUnimplementedStatus() throws Exception {
    // Status{code:12 UNIMPLEMENTED, message:"x"} inside Response field 1.
    byte[] expected = cat(hex("0a 05"), hex("08 0c"), hex("12 01"), text("x"));
    Response resp = Response.newBuilder()
        .setStatus(Status.newBuilder().setCode(12).setMessage("x"))
        .build();
    assertEncodes(expected, resp);
    Response parsed = Response.parseFrom(expected);
    assertTrue(parsed.hasStatus());
    assertEquals(12, parsed.getStatus().getCode());
    assertTrue(parsed.getPayload().isEmpty());
  }

  @Test
  void statusDetailsAreAnys() throws Exception {
    Status st = Status.newBuilder()
        .setCode(5)
        .addDetails(Any.newBuilder().setTypeUrl("t").setValue(ByteString.copyFrom(hex("08 01"))))
        .build();
    // 1 code=5, 3 details: Any{1 type_url "t", 2 value 08 01}
    assertEncodes(cat(hex("08 05 1a 07 0a 01"), text("t"), hex("12 02 08 01")), st);
  }

  @Test
  void fieldTables() {
    assertFields(Request.getDescriptor(),
        "service=1:string", "method=2:string", "payload=3:bytes", "timeout_nano=4:int64",
        "metadata=5:repeated ttrpc.KeyValue");
    assertFields(Response.getDescriptor(), "status=1:google.rpc.Status", "payload=2:bytes");
    assertFields(KeyValue.getDescriptor(), "key=1:string", "value=2:string");
    assertFields(Status.getDescriptor(),
        "code=1:int32", "message=2:string", "details=3:repeated google.protobuf.Any");
  }
}
