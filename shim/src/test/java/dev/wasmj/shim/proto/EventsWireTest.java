package dev.wasmj.shim.proto;

import static dev.wasmj.shim.proto.Wire.assertEncodes;
import static dev.wasmj.shim.proto.Wire.assertFields;
import static dev.wasmj.shim.proto.Wire.cat;
import static dev.wasmj.shim.proto.Wire.hex;
import static dev.wasmj.shim.proto.Wire.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import dev.wasmj.shim.proto.events.TaskCheckpointed;
import dev.wasmj.shim.proto.events.TaskCreate;
import dev.wasmj.shim.proto.events.TaskDelete;
import dev.wasmj.shim.proto.events.TaskExecAdded;
import dev.wasmj.shim.proto.events.TaskExecStarted;
import dev.wasmj.shim.proto.events.TaskExit;
import dev.wasmj.shim.proto.events.TaskIO;
import dev.wasmj.shim.proto.events.TaskOOM;
import dev.wasmj.shim.proto.events.TaskPaused;
import dev.wasmj.shim.proto.events.TaskResumed;
import dev.wasmj.shim.proto.events.TaskStart;
import dev.wasmj.shim.proto.events.ttrpc.ForwardRequest;
import dev.wasmj.shim.proto.types.Envelope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events the shim publishes, and the Forward call that carries them. */
class EventsWireTest {

  // TaskExit{container_id "c1", id "c1", pid 42, exit_status 137, exited_at {seconds 1}}: 17 bytes.
  private static final byte[] TASK_EXIT = cat(
      hex("0a 02"), text("c1"),
      hex("12 02"), text("c1"),
      hex("18 2a"),
      hex("20 89 01"),
      hex("2a 02 08 01"));

  private static TaskExit sampleExit() {
    return TaskExit.newBuilder()
        .setContainerId("c1").setId("c1").setPid(42).setExitStatus(137)
        .setExitedAt(Timestamp.newBuilder().setSeconds(1))
        .build();
  }

  @Test
  void taskExit() {
    assertEquals(17, TASK_EXIT.length);
    assertEncodes(TASK_EXIT, sampleExit());
  }

  @Test
  void envelopeAndForwardRequest() throws Exception {
    Envelope env = Envelope.newBuilder()
        .setTimestamp(Timestamp.newBuilder().setSeconds(1))
        .setNamespace("default")
        .setTopic("/tasks/exit")
        .setEvent(Any.newBuilder()
            .setTypeUrl("containerd.events.TaskExit") // bare name: what containerd's typeurl uses
            .setValue(sampleExit().toByteString()))
        .build();
    byte[] any = cat(
        hex("0a 1a"), text("containerd.events.TaskExit"), // Any.type_url, 26 bytes
        hex("12 11"), TASK_EXIT);                         // Any.value, 17 bytes
    byte[] envelope = cat(
        hex("0a 02 08 01"),                 // 1 timestamp
        hex("12 07"), text("default"),      // 2 namespace
        hex("1a 0b"), text("/tasks/exit"),  // 3 topic
        hex("22 2f"), any);                 // 4 event, 47 bytes
    assertEquals(75, envelope.length);
    assertEncodes(envelope, env);
    byte[] forward = cat(hex("0a 4b"), envelope); // ForwardRequest{1 envelope}
    assertEncodes(forward, ForwardRequest.newBuilder().setEnvelope(env).build());
    ForwardRequest parsed = ForwardRequest.parseFrom(forward);
    assertEquals(sampleExit(), TaskExit.parseFrom(parsed.getEnvelope().getEvent().getValue()));
  }

  @Test
  void taskCreateWithIo() {
    TaskCreate ev = TaskCreate.newBuilder()
        .setContainerId("c").setBundle("/b")
        .setIo(TaskIO.newBuilder().setStdin("/i").setTerminal(true))
        .setPid(9)
        .build();
    assertEncodes(cat(
        hex("0a 01"), text("c"),
        hex("12 02"), text("/b"),
        hex("22 06 0a 02"), text("/i"), hex("20 01"), // 4 io{1 stdin, 4 terminal}
        hex("30 09")),                                 // 6 pid
        ev);
  }

  @Test
  void fieldTables() {
    String ts = "google.protobuf.Timestamp";
    assertFields(TaskCreate.getDescriptor(),
        "container_id=1:string", "bundle=2:string", "rootfs=3:repeated containerd.types.Mount",
        "io=4:containerd.events.TaskIO", "checkpoint=5:string", "pid=6:uint32");
    assertFields(TaskIO.getDescriptor(),
        "stdin=1:string", "stdout=2:string", "stderr=3:string", "terminal=4:bool");
    assertFields(TaskStart.getDescriptor(), "container_id=1:string", "pid=2:uint32");
    assertFields(TaskDelete.getDescriptor(),
        "container_id=1:string", "pid=2:uint32", "exit_status=3:uint32", "exited_at=4:" + ts,
        "id=5:string");
    assertFields(TaskExit.getDescriptor(),
        "container_id=1:string", "id=2:string", "pid=3:uint32", "exit_status=4:uint32",
        "exited_at=5:" + ts, "exit_reason=6:containerd.v1.types.ExitReason");
    assertFields(TaskOOM.getDescriptor(), "container_id=1:string");
    assertFields(TaskExecAdded.getDescriptor(), "container_id=1:string", "exec_id=2:string");
    assertFields(TaskExecStarted.getDescriptor(),
        "container_id=1:string", "exec_id=2:string", "pid=3:uint32");
    assertFields(TaskPaused.getDescriptor(), "container_id=1:string");
    assertFields(TaskResumed.getDescriptor(), "container_id=1:string");
    assertFields(TaskCheckpointed.getDescriptor(), "container_id=1:string", "checkpoint=2:string");
    assertFields(Envelope.getDescriptor(),
        "timestamp=1:" + ts, "namespace=2:string", "topic=3:string", "event=4:google.protobuf.Any");
    assertFields(ForwardRequest.getDescriptor(), "envelope=1:containerd.types.Envelope");
  }

  @Test
  void eventFullNamesAreTheTypeUrls() {
    assertEquals(
        List.of("containerd.events.TaskCreate", "containerd.events.TaskStart",
            "containerd.events.TaskDelete", "containerd.events.TaskIO",
            "containerd.events.TaskExit", "containerd.events.TaskOOM",
            "containerd.events.TaskExecAdded", "containerd.events.TaskExecStarted",
            "containerd.events.TaskPaused", "containerd.events.TaskResumed",
            "containerd.events.TaskCheckpointed"),
        List.of(TaskCreate.getDescriptor(), TaskStart.getDescriptor(), TaskDelete.getDescriptor(),
            TaskIO.getDescriptor(), TaskExit.getDescriptor(), TaskOOM.getDescriptor(),
            TaskExecAdded.getDescriptor(), TaskExecStarted.getDescriptor(),
            TaskPaused.getDescriptor(), TaskResumed.getDescriptor(),
            TaskCheckpointed.getDescriptor())
            .stream().map(d -> d.getFullName()).toList());
  }
}
