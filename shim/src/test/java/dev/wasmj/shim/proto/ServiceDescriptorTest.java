package dev.wasmj.shim.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.wasmj.shim.proto.events.ttrpc.EventsServiceProto;
import dev.wasmj.shim.proto.task.v2.TaskV2Proto;
import dev.wasmj.shim.proto.task.v3.TaskV3Proto;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service and method names that appear in ttrpc.Request.service/method. */
class ServiceDescriptorTest {

  /** Every method containerd's task client can call, in containerd's declaration order. */
  static final List<String> TASK_METHODS = List.of(
      "State", "Create", "Start", "Delete", "Pids", "Pause", "Resume", "Checkpoint", "Kill",
      "Exec", "ResizePty", "CloseIO", "Update", "Wait", "Stats", "Connect", "Shutdown");

  private static List<String> names(ServiceDescriptor s) {
    return s.getMethods().stream().map(MethodDescriptor::getName).toList();
  }

  @Test
  void taskV2() {
    ServiceDescriptor task = TaskV2Proto.getDescriptor().findServiceByName("Task");
    assertNotNull(task);
    assertEquals("containerd.task.v2.Task", task.getFullName());
    assertEquals(TASK_METHODS, names(task));
    assertEquals(1, TaskV2Proto.getDescriptor().getServices().size());
  }

  @Test
  void taskV3AddsOnlyTheEventsStream() {
    ServiceDescriptor task = TaskV3Proto.getDescriptor().findServiceByName("Task");
    assertEquals("containerd.task.v3.Task", task.getFullName());
    List<String> expected = new ArrayList<>(TASK_METHODS);
    expected.add("Events");
    assertEquals(expected, names(task));
    MethodDescriptor events = task.findMethodByName("Events");
    assertTrue(events.isServerStreaming());
    assertFalse(events.isClientStreaming());
    assertEquals("google.protobuf.Empty", events.getInputType().getFullName());
    assertEquals("containerd.types.Envelope", events.getOutputType().getFullName());
  }

  @Test
  void taskMethodSignatures() {
    for (ServiceDescriptor task : List.of(
        TaskV2Proto.getDescriptor().findServiceByName("Task"),
        TaskV3Proto.getDescriptor().findServiceByName("Task"))) {
      String pkg = task.getFile().getPackage() + ".";
      String[][] sig = {
          {"State", "StateRequest", "StateResponse"},
          {"Create", "CreateTaskRequest", "CreateTaskResponse"},
          {"Start", "StartRequest", "StartResponse"},
          {"Delete", "DeleteRequest", "DeleteResponse"},
          {"Pids", "PidsRequest", "PidsResponse"},
          {"Pause", "PauseRequest", null},
          {"Resume", "ResumeRequest", null},
          {"Checkpoint", "CheckpointTaskRequest", null},
          {"Kill", "KillRequest", null},
          {"Exec", "ExecProcessRequest", null},
          {"ResizePty", "ResizePtyRequest", null},
          {"CloseIO", "CloseIORequest", null},
          {"Update", "UpdateTaskRequest", null},
          {"Wait", "WaitRequest", "WaitResponse"},
          {"Stats", "StatsRequest", "StatsResponse"},
          {"Connect", "ConnectRequest", "ConnectResponse"},
          {"Shutdown", "ShutdownRequest", null},
      };
      for (String[] s : sig) {
        MethodDescriptor m = task.findMethodByName(s[0]);
        assertNotNull(m, s[0]);
        assertEquals(pkg + s[1], m.getInputType().getFullName(), s[0]);
        assertEquals(s[2] == null ? "google.protobuf.Empty" : pkg + s[2],
            m.getOutputType().getFullName(), s[0]);
        assertFalse(m.isClientStreaming() || m.isServerStreaming(), s[0]);
      }
    }
  }

  @Test
  void eventsService() {
    ServiceDescriptor events = EventsServiceProto.getDescriptor().findServiceByName("Events");
    assertEquals("containerd.services.events.ttrpc.v1.Events", events.getFullName());
    assertEquals(List.of("Forward"), names(events));
    MethodDescriptor forward = events.findMethodByName("Forward");
    assertEquals("containerd.services.events.ttrpc.v1.ForwardRequest",
        forward.getInputType().getFullName());
    assertEquals("google.protobuf.Empty", forward.getOutputType().getFullName());
  }
}
