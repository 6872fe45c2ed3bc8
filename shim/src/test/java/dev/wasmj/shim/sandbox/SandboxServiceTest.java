package dev.wasmj.shim.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.sandbox.v1.CreateSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.PlatformRequest;
import dev.wasmj.shim.proto.sandbox.v1.SandboxStatusRequest;
import dev.wasmj.shim.proto.sandbox.v1.ShutdownSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.StopSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.WaitSandboxRequest;
import dev.wasmj.shim.proto.types.Mount;
import dev.wasmj.shim.ttrpc.Code;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sandbox API's states without a holder process (starting one is the integration tests' part). */
class SandboxServiceTest {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final ShimLog log = new ShimLog(new PrintStream(logged, true), true, Map.of());
    private final AtomicBoolean noContainers = new AtomicBoolean(true);
    private final AtomicInteger exits = new AtomicInteger();
    private final SandboxService service = new SandboxService(Syscalls.linux(), log, noContainers::get, exits::incrementAndGet);

    private void create(String id) throws TtrpcException {
        service.create(CreateSandboxRequest.newBuilder().setSandboxId(id).setBundlePath("/nonexistent/" + id)
                .setNetnsPath("/var/run/netns/x").build());
    }

    @Test
    void aCreatedPodIsNotReadyHasNoPidAndAStopBeforeStartEndsItsWait() throws Exception {
        create("p1");
        var status = service.status(SandboxStatusRequest.newBuilder().setSandboxId("p1").setVerbose(true).build());
        assertEquals("SANDBOX_NOTREADY", status.getState());
        assertEquals(0, status.getPid());
        assertTrue(status.getInfoMap().get("info").contains("\"pid\":0"), status.getInfoMap().toString());
        assertTrue(service.holdsAny());

        service.stop(StopSandboxRequest.newBuilder().setSandboxId("p1").build());
        assertEquals(0, service.await(WaitSandboxRequest.newBuilder().setSandboxId("p1").build()).getExitStatus(),
                "WaitSandbox answers once the pod is stopped");
        service.stop(StopSandboxRequest.newBuilder().setSandboxId("p1").build()); // again: CRI may stop twice
    }

    @Test
    void shutdownOfTheLastPodEndsTheServerOnlyWhenNoContainerIsLeft() throws Exception {
        create("p1");
        create("p2");
        noContainers.set(false);
        service.shutdown(ShutdownSandboxRequest.newBuilder().setSandboxId("p1").build());
        service.shutdown(ShutdownSandboxRequest.newBuilder().setSandboxId("p2").build());
        assertEquals(0, exits.get(), "containers still served");
        assertFalse(service.holdsAny());
        noContainers.set(true);
        create("p3");
        service.shutdown(ShutdownSandboxRequest.newBuilder().setSandboxId("p3").build());
        assertEquals(1, exits.get());
        TtrpcException gone = assertThrows(TtrpcException.class,
                () -> service.status(SandboxStatusRequest.newBuilder().setSandboxId("p3").build()));
        assertEquals(Code.NOT_FOUND, gone.code());
    }

    @Test
    void badRequestsAreRefusedWithTheirReason() throws Exception {
        create("p1");
        assertEquals(Code.ALREADY_EXISTS, assertThrows(TtrpcException.class, () -> create("p1")).code());
        TtrpcException rootfs = assertThrows(TtrpcException.class, () -> service.create(CreateSandboxRequest.newBuilder()
                .setSandboxId("p2").addRootfs(Mount.newBuilder().setType("overlay")).build()));
        assertEquals(Code.UNIMPLEMENTED, rootfs.code());
        TtrpcException options = assertThrows(TtrpcException.class, () -> service.create(CreateSandboxRequest.newBuilder()
                .setSandboxId("p3").setOptions(Any.newBuilder().setTypeUrl("something.Else")).build()));
        assertEquals(Code.INVALID_ARGUMENT, options.code());
        assertTrue(logged.toString().contains("create sandbox failed"), "the reason is in the shim log");
        assertEquals("linux", service.platform(PlatformRequest.newBuilder().setSandboxId("p1").build()).getPlatform().getOs());
    }
}
