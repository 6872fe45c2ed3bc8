package dev.wasmj.shim.proto;

import static dev.wasmj.shim.proto.Wire.assertEncodes;
import static dev.wasmj.shim.proto.Wire.assertFields;
import static dev.wasmj.shim.proto.Wire.cat;
import static dev.wasmj.shim.proto.Wire.hex;
import static dev.wasmj.shim.proto.Wire.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Empty;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Timestamp;
import dev.wasmj.shim.proto.runtimeoptions.Options;
import dev.wasmj.shim.proto.task.v2.CreateTaskRequest;
import dev.wasmj.shim.proto.task.v2.DeleteResponse;
import dev.wasmj.shim.proto.task.v2.StateResponse;
import dev.wasmj.shim.proto.task.v2.TaskV2Proto;
import dev.wasmj.shim.proto.task.v2.WaitResponse;
import dev.wasmj.shim.proto.task.v3.TaskV3Proto;
import dev.wasmj.shim.proto.types.Mount;
import dev.wasmj.shim.proto.types.task.ExitReason;
import dev.wasmj.shim.proto.types.task.ProcessInfo;
import dev.wasmj.shim.proto.types.task.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** containerd.task.v2 (and v3) messages, byte for byte and field by field. */
class TaskApiWireTest {

  @Test
  void createTaskRequestFieldNumbers() throws Exception {
    Any options = Any.newBuilder()
        .setTypeUrl("runtimeoptions.v1.Options")
        .setValue(Options.newBuilder().setConfigPath("/c").build().toByteString())
        .build();
    CreateTaskRequest req = CreateTaskRequest.newBuilder()
        .setId("a").setBundle("b")
        .addRootfs(Mount.newBuilder().setType("overlay"))
        .setTerminal(true)
        .setStdin("i").setStdout("o").setStderr("e")
        .setCheckpoint("k").setParentCheckpoint("p")
        .setOptions(options)
        .build();
    byte[] expected = cat(
        hex("0a 01"), text("a"),                   // 1 id
        hex("12 01"), text("b"),                   // 2 bundle
        hex("1a 09 0a 07"), text("overlay"),       // 3 rootfs: Mount{1 type}
        hex("20 01"),                              // 4 terminal (varint)
        hex("2a 01"), text("i"),                   // 5 stdin
        hex("32 01"), text("o"),                   // 6 stdout
        hex("3a 01"), text("e"),                   // 7 stderr
        hex("42 01"), text("k"),                   // 8 checkpoint
        hex("4a 01"), text("p"),                   // 9 parent_checkpoint
        hex("52 21"),                              // 10 options: Any, 33 bytes
        hex("0a 19"), text("runtimeoptions.v1.Options"), //   type_url (25 bytes)
        hex("12 04"), hex("12 02"), text("/c"));   //   value: Options{2 config_path}
    assertEncodes(expected, req);
    CreateTaskRequest parsed = CreateTaskRequest.parseFrom(expected);
    assertEquals(req, parsed);
    assertEquals("/c", Options.parseFrom(parsed.getOptions().getValue()).getConfigPath());
  }

  @Test
  void mountAsContainerdSendsIt() {
    Mount m = Mount.newBuilder()
        .setType("overlay").setSource("overlay")
        .addOptions("index=off").addOptions("lowerdir=/l")
        .build();
    assertEncodes(cat(
        hex("0a 07"), text("overlay"),
        hex("12 07"), text("overlay"),             // target (3) empty: absent
        hex("22 09"), text("index=off"),
        hex("22 0b"), text("lowerdir=/l")), m);
  }

  @Test
  void waitResponse() throws Exception {
    WaitResponse resp = WaitResponse.newBuilder()
        .setExitStatus(137)
        .setExitedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5))
        .build();
    byte[] expected = hex("08 89 01"                 // 1 exit_status = 137
        + " 12 08 08 80 e2 cf aa 06 10 05");          // 2 exited_at{1 seconds, 2 nanos}
    assertEncodes(expected, resp);
    assertEquals(resp, WaitResponse.parseFrom(expected));
  }

  @Test
  void statusEnumValues() {
    assertEquals(0, Status.UNKNOWN.getNumber());
    assertEquals(1, Status.CREATED.getNumber());
    assertEquals(2, Status.RUNNING.getNumber());
    assertEquals(3, Status.STOPPED.getNumber());
    assertEquals(4, Status.PAUSED.getNumber());
    assertEquals(5, Status.PAUSING.getNumber());
    assertEquals(List.of("UNKNOWN", "CREATED", "RUNNING", "STOPPED", "PAUSED", "PAUSING"),
        Status.getDescriptor().getValues().stream().map(v -> v.getName()).toList());
    assertEquals("containerd.v1.types.Status", Status.getDescriptor().getFullName());
    assertEquals(List.of(0, 1, 2), ExitReason.getDescriptor().getValues().stream()
        .map(v -> v.getNumber()).toList());
  }

  @Test
  void stateResponseRunning() throws Exception {
    StateResponse resp = StateResponse.newBuilder()
        .setId("c1").setBundle("/b").setPid(42)
        .setStatus(Status.RUNNING)
        .setStdout("/o")
        .setTerminal(true)
        .setExecId("e")
        .build();
    byte[] expected = cat(
        hex("0a 02"), text("c1"),   // 1 id
        hex("12 02"), text("/b"),   // 2 bundle
        hex("18 2a"),               // 3 pid = 42
        hex("20 02"),               // 4 status = RUNNING
        hex("32 02"), text("/o"),   // 6 stdout
        hex("40 01"),               // 8 terminal
        hex("5a 01"), text("e"));   // 11 exec_id
    assertEncodes(expected, resp);
  }

  @Test
  void stateResponseStopped() throws Exception {
    StateResponse resp = StateResponse.newBuilder()
        .setStatus(Status.STOPPED)
        .setExitStatus(1)
        .setExitedAt(Timestamp.newBuilder().setSeconds(1))
        .build();
    byte[] expected = hex("20 03"   // 4 status = STOPPED
        + " 48 01"                  // 9 exit_status
        + " 52 02 08 01");          // 10 exited_at
    assertEncodes(expected, resp);
    assertEquals(Status.STOPPED, StateResponse.parseFrom(expected).getStatus());
  }

  @Test
  void deleteResponseAsTheDeleteCommandPrintsIt() throws Exception {
    DeleteResponse resp = DeleteResponse.newBuilder()
        .setPid(1234).setExitStatus(137)
        .setExitedAt(Timestamp.newBuilder().setSeconds(1))
        .build();
    assertEncodes(hex("08 d2 09 10 89 01 1a 02 08 01"), resp);
    // containerd reads empty stdout as all zeros.
    assertEquals(DeleteResponse.getDefaultInstance(), DeleteResponse.parseFrom(new byte[0]));
  }

  @Test
  void processInfo() {
    assertEncodes(hex("08 07"), ProcessInfo.newBuilder().setPid(7).build());
  }

  @Test
  void emptyMessagesEncodeToNoBytes() throws Exception {
    List<MessageLite> empties = List.of(
        Empty.getDefaultInstance(),
        dev.wasmj.shim.proto.task.v2.WaitRequest.getDefaultInstance(),
        dev.wasmj.shim.proto.task.v2.StartResponse.newBuilder().setPid(0).build(),
        dev.wasmj.shim.proto.task.v2.StateResponse.newBuilder().setStatus(Status.UNKNOWN).build(),
        dev.wasmj.shim.proto.task.v2.ExecProcessResponse.getDefaultInstance(),
        dev.wasmj.shim.proto.task.v3.ShutdownRequest.getDefaultInstance(),
        dev.wasmj.shim.proto.ttrpc.Response.getDefaultInstance());
    for (MessageLite m : empties) {
      assertEquals(0, m.toByteArray().length, m.getClass().getName());
    }
    assertEquals(Empty.getDefaultInstance(), Empty.parseFrom(new byte[0]));
    assertFalse(dev.wasmj.shim.proto.ttrpc.Response.parseFrom(new byte[0]).hasStatus());
  }

  @Test
  void v2FieldTables() {
    checkFieldTables(TaskV2Proto.getDescriptor(), true);
  }

  @Test
  void v3HasTheSameMessagesAsV2() {
    checkFieldTables(TaskV3Proto.getDescriptor(), false);
    assertEquals("containerd.task.v3", TaskV3Proto.getDescriptor().getPackage());
    List<String> v2 = TaskV2Proto.getDescriptor().getMessageTypes().stream()
        .map(Descriptor::getName).sorted().toList();
    List<String> v3 = TaskV3Proto.getDescriptor().getMessageTypes().stream()
        .map(Descriptor::getName).sorted().toList();
    assertEquals(v2, v3);
  }

  /** All request/response messages of the task API, as containerd declares them. */
  private static void checkFieldTables(FileDescriptor file, boolean v2) {
    String ts = "google.protobuf.Timestamp";
    String any = "google.protobuf.Any";
    List<String> create = new java.util.ArrayList<>(List.of(
        "id=1:string", "bundle=2:string", "rootfs=3:repeated containerd.types.Mount",
        "terminal=4:bool", "stdin=5:string", "stdout=6:string", "stderr=7:string",
        "checkpoint=8:string", "parent_checkpoint=9:string", "options=10:" + any));
    if (v2) {
      create.add("oom_path=11:string");
    }
    assertFields(file.findMessageTypeByName("CreateTaskRequest"), create.toArray(String[]::new));
    assertFields(file.findMessageTypeByName("CreateTaskResponse"), "pid=1:uint32");
    assertFields(file.findMessageTypeByName("DeleteRequest"), "id=1:string", "exec_id=2:string");
    assertFields(file.findMessageTypeByName("DeleteResponse"),
        "pid=1:uint32", "exit_status=2:uint32", "exited_at=3:" + ts);
    assertFields(file.findMessageTypeByName("ExecProcessRequest"),
        "id=1:string", "exec_id=2:string", "terminal=3:bool", "stdin=4:string",
        "stdout=5:string", "stderr=6:string", "spec=7:" + any);
    assertFields(file.findMessageTypeByName("ExecProcessResponse"));
    assertFields(file.findMessageTypeByName("ResizePtyRequest"),
        "id=1:string", "exec_id=2:string", "width=3:uint32", "height=4:uint32");
    assertFields(file.findMessageTypeByName("StateRequest"), "id=1:string", "exec_id=2:string");
    assertFields(file.findMessageTypeByName("StateResponse"),
        "id=1:string", "bundle=2:string", "pid=3:uint32", "status=4:containerd.v1.types.Status",
        "stdin=5:string", "stdout=6:string", "stderr=7:string", "terminal=8:bool",
        "exit_status=9:uint32", "exited_at=10:" + ts, "exec_id=11:string");
    assertFields(file.findMessageTypeByName("KillRequest"),
        "id=1:string", "exec_id=2:string", "signal=3:uint32", "all=4:bool");
    assertFields(file.findMessageTypeByName("CloseIORequest"),
        "id=1:string", "exec_id=2:string", "stdin=3:bool");
    assertFields(file.findMessageTypeByName("PidsRequest"), "id=1:string");
    assertFields(file.findMessageTypeByName("PidsResponse"),
        "processes=1:repeated containerd.v1.types.ProcessInfo");
    assertFields(file.findMessageTypeByName("CheckpointTaskRequest"),
        "id=1:string", "path=2:string", "options=3:" + any);
    assertFields(file.findMessageTypeByName("UpdateTaskRequest"),
        "id=1:string", "resources=2:" + any, "annotations=3:map<string,string>");
    assertFields(file.findMessageTypeByName("StartRequest"), "id=1:string", "exec_id=2:string");
    assertFields(file.findMessageTypeByName("StartResponse"), "pid=1:uint32");
    assertFields(file.findMessageTypeByName("WaitRequest"), "id=1:string", "exec_id=2:string");
    assertFields(file.findMessageTypeByName("WaitResponse"),
        "exit_status=1:uint32", "exited_at=2:" + ts);
    assertFields(file.findMessageTypeByName("StatsRequest"), "id=1:string");
    assertFields(file.findMessageTypeByName("StatsResponse"), "stats=1:" + any);
    assertFields(file.findMessageTypeByName("ConnectRequest"), "id=1:string");
    assertFields(file.findMessageTypeByName("ConnectResponse"),
        "shim_pid=1:uint32", "task_pid=2:uint32", "version=3:string");
    assertFields(file.findMessageTypeByName("ShutdownRequest"), "id=1:string", "now=2:bool");
    assertFields(file.findMessageTypeByName("PauseRequest"), "id=1:string");
    assertFields(file.findMessageTypeByName("ResumeRequest"), "id=1:string");
  }

  @Test
  void sharedTypes() {
    assertFields(Mount.getDescriptor(),
        "type=1:string", "source=2:string", "target=3:string", "options=4:repeated string");
    assertFields(ProcessInfo.getDescriptor(), "pid=1:uint32", "info=2:google.protobuf.Any");
    assertFields(dev.wasmj.shim.proto.types.task.Process.getDescriptor(),
        "container_id=1:string", "id=2:string", "pid=3:uint32",
        "status=4:containerd.v1.types.Status", "stdin=5:string", "stdout=6:string",
        "stderr=7:string", "terminal=8:bool", "exit_status=9:uint32",
        "exited_at=10:google.protobuf.Timestamp", "exit_reason=11:containerd.v1.types.ExitReason");
    assertEquals("containerd.types.Mount", Mount.getDescriptor().getFullName());
    assertEquals("containerd.v1.types.ProcessInfo", ProcessInfo.getDescriptor().getFullName());
  }
}
