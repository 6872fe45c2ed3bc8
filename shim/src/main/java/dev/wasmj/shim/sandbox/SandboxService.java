package dev.wasmj.shim.sandbox;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.events.Timestamps;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.sandbox.v1.CreateSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.CreateSandboxResponse;
import dev.wasmj.shim.proto.sandbox.v1.PingRequest;
import dev.wasmj.shim.proto.sandbox.v1.PingResponse;
import dev.wasmj.shim.proto.sandbox.v1.PlatformRequest;
import dev.wasmj.shim.proto.sandbox.v1.PlatformResponse;
import dev.wasmj.shim.proto.sandbox.v1.SandboxStatusRequest;
import dev.wasmj.shim.proto.sandbox.v1.SandboxStatusResponse;
import dev.wasmj.shim.proto.sandbox.v1.ShutdownSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.ShutdownSandboxResponse;
import dev.wasmj.shim.proto.sandbox.v1.StartSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.StartSandboxResponse;
import dev.wasmj.shim.proto.sandbox.v1.StopSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.StopSandboxResponse;
import dev.wasmj.shim.proto.sandbox.v1.WaitSandboxRequest;
import dev.wasmj.shim.proto.sandbox.v1.WaitSandboxResponse;
import dev.wasmj.shim.proto.task.v2.DeleteResponse;
import dev.wasmj.shim.proto.types.Platform;
import dev.wasmj.shim.task.BundleState;
import dev.wasmj.shim.task.ExitStatus;
import dev.wasmj.shim.task.ExitWatcher;
import dev.wasmj.shim.ttrpc.Code;
import dev.wasmj.shim.ttrpc.ServiceRegistry;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * containerd 2.x's sandbox API ({@value #SERVICE}), for a CRI handler with {@code sandboxer = "shim"}: the shim
 * itself makes the pod, with no pause container. A pod is a {@link PodHolder} process in the pod's namespaces;
 * the pod's containers arrive through the task API as before (containerd runs {@code start} for each, and the
 * shim groups them by pod) and join those namespaces by {@code /proc/<holder pid>/ns/*}.
 *
 * <p>CRI holds WaitSandbox open for the pod's life and treats its answer as the pod's end; StopSandbox ends the
 * holder (and so answers WaitSandbox); ShutdownSandbox forgets the pod, and the server exits once it holds
 * neither a pod nor a container.
 */
public final class SandboxService implements PodSandboxes {
    public static final String SERVICE = "containerd.runtime.sandbox.v1.Sandbox";
    static final String READY = "SANDBOX_READY";
    static final String NOT_READY = "SANDBOX_NOTREADY";

    private final Syscalls sys;
    private final ShimLog log;
    private final BooleanSupplier noContainers;
    private final Runnable exitServer;
    private final Map<String, PodSandbox> pods = new ConcurrentHashMap<>();

    /**
     * @param noContainers whether the server serves no container any more
     * @param exitServer ends the server (after ShutdownSandbox of its last pod, with no container left)
     */
    public SandboxService(Syscalls sys, ShimLog log, BooleanSupplier noContainers, Runnable exitServer) {
        this.sys = sys;
        this.log = log;
        this.noContainers = noContainers;
        this.exitServer = exitServer;
    }

    public void register(ServiceRegistry registry) {
        unary(registry, "CreateSandbox", CreateSandboxRequest.parser(), this::create);
        unary(registry, "StartSandbox", StartSandboxRequest.parser(), this::start);
        unary(registry, "Platform", PlatformRequest.parser(), this::platform);
        unary(registry, "StopSandbox", StopSandboxRequest.parser(), this::stop);
        unary(registry, "WaitSandbox", WaitSandboxRequest.parser(), this::await);
        unary(registry, "SandboxStatus", SandboxStatusRequest.parser(), this::status);
        unary(registry, "PingSandbox", PingRequest.parser(), this::ping);
        unary(registry, "ShutdownSandbox", ShutdownSandboxRequest.parser(), this::shutdown);
        registry.register(SERVICE, "SandboxMetrics", (c, p) -> {
            throw new TtrpcException(Code.UNIMPLEMENTED, "SandboxMetrics: this shim reports no pod-level metrics;"
                    + " CRI reads the pod's cgroup itself, and each container's through the task API");
        });
    }

    @FunctionalInterface
    interface Method<Q, R> {
        R call(Q request) throws TtrpcException;
    }

    private <Q extends com.google.protobuf.Message, R extends MessageLite> void unary(ServiceRegistry registry, String name,
            Parser<Q> parser, Method<Q, R> method) {
        registry.unary(SERVICE, name, parser, (context, request) -> {
            if (log.debugEnabled()) log.with("id", sandboxId(request)).debug("call " + name);
            return method.call(request);
        });
    }

    private static String sandboxId(com.google.protobuf.Message request) {
        var field = request.getDescriptorForType().findFieldByName("sandbox_id");
        return field == null ? "" : (String) request.getField(field);
    }

    CreateSandboxResponse create(CreateSandboxRequest r) throws TtrpcException {
        ShimLog plog = log.with("id", r.getSandboxId());
        if (pods.containsKey(r.getSandboxId())) {
            throw new TtrpcException(Code.ALREADY_EXISTS, "sandbox " + r.getSandboxId() + " already exists");
        }
        if (r.getRootfsCount() > 0) {
            throw new TtrpcException(Code.UNIMPLEMENTED, "sandbox " + r.getSandboxId()
                    + ": a pod rootfs is not supported: this shim's pods are namespaces only (no pause image)");
        }
        PodConfig config;
        try {
            config = PodConfig.from(r.hasOptions() ? Optional.of(r.getOptions()) : Optional.empty(), !r.getNetnsPath().isEmpty());
        } catch (PodConfig.PodException e) {
            plog.error("create sandbox failed: " + e.getMessage());
            throw new TtrpcException(e.unsupported() ? Code.UNIMPLEMENTED : Code.INVALID_ARGUMENT, e.getMessage());
        }
        pods.put(r.getSandboxId(), new PodSandbox(r.getSandboxId(), Path.of(r.getBundlePath()), r.getNetnsPath(), config));
        plog.info("sandbox created: pod " + config.name() + (r.getNetnsPath().isEmpty() ? ", node network" : ", netns " + r.getNetnsPath()));
        return CreateSandboxResponse.getDefaultInstance();
    }

    StartSandboxResponse start(StartSandboxRequest r) throws TtrpcException {
        PodSandbox pod = pod(r.getSandboxId());
        ShimLog plog = log.with("id", pod.id);
        synchronized (pod) {
            if (pod.holder != null) {
                throw new TtrpcException(Code.FAILED_PRECONDITION, "sandbox " + pod.id + " was already started");
            }
            if (pod.exit.isDone()) {
                throw new TtrpcException(Code.FAILED_PRECONDITION, "sandbox " + pod.id + " was stopped before it started");
            }
            try {
                long t0 = System.nanoTime();
                PodHolder holder = PodHolder.spawn(sys, plog, pod.id, pod.config, pod.netnsPath, pod.bundle);
                pod.createdAt = Instant.now();
                pod.holder = holder;
                ExitWatcher.watch(sys, holder.pid(), "pod-" + pod.id, exit -> {
                    holder.removeCgroup(plog);
                    plog.info("sandbox ended: namespace holder " + holder.pid() + " exited with status " + exit.code());
                    pod.exit.complete(exit);
                });
                plog.info("sandbox started: namespace holder pid " + holder.pid() + " in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } catch (IOException e) {
                plog.error("start sandbox failed: " + e.getMessage());
                throw new TtrpcException(Code.FAILED_PRECONDITION, "sandbox " + pod.id + ": " + e.getMessage(), e);
            }
            return StartSandboxResponse.newBuilder().setPid(pod.holder.pid()).setCreatedAt(Timestamps.of(pod.createdAt)).build();
        }
    }

    PlatformResponse platform(PlatformRequest r) throws TtrpcException {
        pod(r.getSandboxId());
        return PlatformResponse.newBuilder().setPlatform(Platform.newBuilder().setOs("linux").setArchitecture(goArch())).build();
    }

    /** Ends the holder (it keeps nothing to flush: SIGTERM, then SIGKILL after the timeout); idempotent. */
    StopSandboxResponse stop(StopSandboxRequest r) throws TtrpcException {
        PodSandbox pod = pod(r.getSandboxId());
        end(pod, Math.max(1, r.getTimeoutSecs()));
        return StopSandboxResponse.getDefaultInstance();
    }

    private void end(PodSandbox pod, long timeoutSeconds) throws TtrpcException {
        PodHolder holder;
        synchronized (pod) { // not while StartSandbox spawns: it either has a holder to end, or may not start
            holder = pod.holder;
            if (holder == null) {
                pod.exit.complete(new ExitStatus(0, Instant.now())); // never started: nothing to end
                return;
            }
        }
        if (pod.exit.isDone()) return;
        try {
            sys.kill(holder.pid(), Signals.SIGTERM);
            pod.exit.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            holder.kill();
            awaitExit(pod);
        } catch (SyscallException e) {
            awaitExit(pod); // already gone: its watcher reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TtrpcException(Code.CANCELLED, "interrupted");
        } catch (ExecutionException e) {
            throw new TtrpcException(Code.INTERNAL, e.getMessage(), e);
        }
        log.with("id", pod.id).info("sandbox stopped");
    }

    private static void awaitExit(PodSandbox pod) throws TtrpcException {
        try {
            pod.exit.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new TtrpcException(Code.DEADLINE_EXCEEDED, "sandbox " + pod.id + ": its namespace holder did not exit");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TtrpcException(Code.CANCELLED, "interrupted");
        } catch (ExecutionException e) {
            throw new TtrpcException(Code.INTERNAL, e.getMessage(), e);
        }
    }

    /** Blocks until the pod ends: CRI holds this call open for the pod's whole life. */
    WaitSandboxResponse await(WaitSandboxRequest r) throws TtrpcException {
        PodSandbox pod = pod(r.getSandboxId());
        try {
            ExitStatus exit = pod.exit.get();
            return WaitSandboxResponse.newBuilder().setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TtrpcException(Code.CANCELLED, "interrupted");
        } catch (ExecutionException e) {
            throw new TtrpcException(Code.INTERNAL, e.getMessage(), e);
        }
    }

    SandboxStatusResponse status(SandboxStatusRequest r) throws TtrpcException {
        PodSandbox pod = pod(r.getSandboxId());
        SandboxStatusResponse.Builder b = SandboxStatusResponse.newBuilder().setSandboxId(pod.id).setPid(pod.pid())
                .setState(pod.ready() ? READY : NOT_READY);
        if (pod.createdAt != null) b.setCreatedAt(Timestamps.of(pod.createdAt));
        ExitStatus exit = pod.exit.getNow(null);
        if (exit != null) b.setExitedAt(Timestamps.of(exit.exitedAt()));
        if (r.getVerbose()) b.putInfo("info", verboseInfo(pod)); // what crictl inspectp shows, as for a pause container
        return b.build();
    }

    /** The "info" JSON of a verbose status: the holder's pid (as a pause container's), the pod's namespaces. */
    private static String verboseInfo(PodSandbox pod) {
        com.fasterxml.jackson.databind.node.ObjectNode info = INFO_JSON.createObjectNode();
        info.put("pid", pod.pid());
        info.put("sandboxer", "shim");
        info.put("holder", PodHolder.PROGRAM);
        info.put("hostname", pod.config.hostname());
        info.put("netns", pod.netnsPath);
        info.put("sharedPidNamespace", pod.config.sharedPid());
        return info.toString();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper INFO_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    PingResponse ping(PingRequest r) throws TtrpcException {
        PodSandbox pod = pod(r.getSandboxId());
        if (!pod.ready()) throw new TtrpcException(Code.FAILED_PRECONDITION, "sandbox " + pod.id + " is not running");
        return PingResponse.getDefaultInstance();
    }

    /** Ends the pod if it still runs and forgets it; the server goes once it serves nothing else. */
    ShutdownSandboxResponse shutdown(ShutdownSandboxRequest r) throws TtrpcException {
        PodSandbox pod = pod(r.getSandboxId());
        end(pod, 1);
        pods.remove(pod.id);
        PodHolder.forget(pod.bundle);
        // containerd runs the shim's delete on the pod's bundle next: the launcher answers this without a JVM.
        ExitStatus exit = pod.exit.getNow(new ExitStatus(0, Instant.now()));
        BundleState.recordCleanDelete(pod.bundle, DeleteResponse.newBuilder().setPid(pod.holder == null ? 0 : pod.holder.pid())
                .setExitStatus(exit.code()).setExitedAt(Timestamps.of(exit.exitedAt())).build(), log.with("id", pod.id));
        log.with("id", pod.id).info("sandbox shut down");
        if (pods.isEmpty() && noContainers.getAsBoolean()) {
            log.info("shutting down");
            exitServer.run();
        }
        return ShutdownSandboxResponse.getDefaultInstance();
    }

    private PodSandbox pod(String id) throws TtrpcException {
        PodSandbox pod = pods.get(id);
        if (pod == null) throw new TtrpcException(Code.NOT_FOUND, "sandbox " + id + " not found in this shim");
        return pod;
    }

    /** The ids of the pods held here. */
    public java.util.Set<String> ids() {
        return java.util.Set.copyOf(pods.keySet());
    }

    @Override
    public boolean holdsAny() {
        return !pods.isEmpty();
    }

    @Override
    public OptionalInt holderPid(String sandboxId) {
        PodSandbox pod = pods.get(sandboxId);
        return pod == null || !pod.ready() ? OptionalInt.empty() : OptionalInt.of(pod.pid());
    }

    /** The JVM's architecture in Go's spelling, as containerd's platforms compare it. */
    static String goArch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> System.getProperty("os.arch");
        };
    }
}
