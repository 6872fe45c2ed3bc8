package dev.wasmj.it.cri;

import com.google.protobuf.Message;
import dev.wasmj.it.cri.proto.AttachRequest;
import dev.wasmj.it.cri.proto.AttachResponse;
import dev.wasmj.it.cri.proto.ContainerStatsRequest;
import dev.wasmj.it.cri.proto.ContainerStatsResponse;
import dev.wasmj.it.cri.proto.ContainerStatusRequest;
import dev.wasmj.it.cri.proto.ContainerStatusResponse;
import dev.wasmj.it.cri.proto.CreateContainerRequest;
import dev.wasmj.it.cri.proto.CreateContainerResponse;
import dev.wasmj.it.cri.proto.ExecRequest;
import dev.wasmj.it.cri.proto.ExecResponse;
import dev.wasmj.it.cri.proto.PodSandboxStatsRequest;
import dev.wasmj.it.cri.proto.PodSandboxStatsResponse;
import dev.wasmj.it.cri.proto.PodSandboxStatusRequest;
import dev.wasmj.it.cri.proto.PodSandboxStatusResponse;
import dev.wasmj.it.cri.proto.RemoveContainerRequest;
import dev.wasmj.it.cri.proto.RemoveContainerResponse;
import dev.wasmj.it.cri.proto.RemovePodSandboxRequest;
import dev.wasmj.it.cri.proto.RemovePodSandboxResponse;
import dev.wasmj.it.cri.proto.RunPodSandboxRequest;
import dev.wasmj.it.cri.proto.RunPodSandboxResponse;
import dev.wasmj.it.cri.proto.StartContainerRequest;
import dev.wasmj.it.cri.proto.StartContainerResponse;
import dev.wasmj.it.cri.proto.StopContainerRequest;
import dev.wasmj.it.cri.proto.StopContainerResponse;
import dev.wasmj.it.cri.proto.StopPodSandboxRequest;
import dev.wasmj.it.cri.proto.StopPodSandboxResponse;
import dev.wasmj.it.cri.proto.UpdateContainerResourcesRequest;
import dev.wasmj.it.cri.proto.UpdateContainerResourcesResponse;
import dev.wasmj.it.cri.proto.VersionRequest;
import dev.wasmj.it.cri.proto.VersionResponse;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the kubelet does to a node's containerd, over CRI ({@code runtime.v1.RuntimeService}, gRPC on
 * containerd's unix socket). Each method is one call with a deadline; a failed call throws
 * {@link io.grpc.StatusRuntimeException} with containerd's message.
 */
public final class CriClient implements AutoCloseable {
    private static final String RUNTIME = "runtime.v1.RuntimeService";

    private final ManagedChannel channel;
    private final Duration deadline;

    public CriClient(Path socket, Duration deadline) {
        this.channel = Grpc.newChannelBuilder("unix://" + socket.toAbsolutePath(), InsecureChannelCredentials.create())
                .build();
        this.deadline = deadline;
    }

    public VersionResponse version() {
        return call("Version", VersionRequest.newBuilder().setVersion("v1").build(), VersionResponse.getDefaultInstance());
    }

    public RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest r) {
        return call("RunPodSandbox", r, RunPodSandboxResponse.getDefaultInstance());
    }

    public PodSandboxStatusResponse podSandboxStatus(String podId) {
        return call("PodSandboxStatus", PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).setVerbose(true).build(),
                PodSandboxStatusResponse.getDefaultInstance());
    }

    public StopPodSandboxResponse stopPodSandbox(String podId) {
        return call("StopPodSandbox", StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build(),
                StopPodSandboxResponse.getDefaultInstance());
    }

    public RemovePodSandboxResponse removePodSandbox(String podId) {
        return call("RemovePodSandbox", RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build(),
                RemovePodSandboxResponse.getDefaultInstance());
    }

    public CreateContainerResponse createContainer(CreateContainerRequest r) {
        return call("CreateContainer", r, CreateContainerResponse.getDefaultInstance());
    }

    public StartContainerResponse startContainer(String id) {
        return call("StartContainer", StartContainerRequest.newBuilder().setContainerId(id).build(),
                StartContainerResponse.getDefaultInstance());
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}, as for a pod's terminationGracePeriodSeconds. */
    public StopContainerResponse stopContainer(String id, long graceSeconds) {
        return call("StopContainer", StopContainerRequest.newBuilder().setContainerId(id).setTimeout(graceSeconds).build(),
                StopContainerResponse.getDefaultInstance(), deadline.plusSeconds(graceSeconds));
    }

    public RemoveContainerResponse removeContainer(String id) {
        return call("RemoveContainer", RemoveContainerRequest.newBuilder().setContainerId(id).build(),
                RemoveContainerResponse.getDefaultInstance());
    }

    /** Verbose: {@code info} carries the pid and the OCI spec as JSON. */
    public ContainerStatusResponse containerStatus(String id) {
        return call("ContainerStatus", ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build(),
                ContainerStatusResponse.getDefaultInstance());
    }

    public ContainerStatsResponse containerStats(String id) {
        return call("ContainerStats", ContainerStatsRequest.newBuilder().setContainerId(id).build(),
                ContainerStatsResponse.getDefaultInstance());
    }

    public PodSandboxStatsResponse podSandboxStats(String podId) {
        return call("PodSandboxStats", PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId).build(),
                PodSandboxStatsResponse.getDefaultInstance());
    }

    public UpdateContainerResourcesResponse updateContainerResources(UpdateContainerResourcesRequest r) {
        return call("UpdateContainerResources", r, UpdateContainerResourcesResponse.getDefaultInstance());
    }

    /** Exec: the URL of the streaming server where the process's stdio is served (see {@link CriStream}). */
    public ExecResponse exec(ExecRequest r) {
        return call("Exec", r, ExecResponse.getDefaultInstance());
    }

    public AttachResponse attach(AttachRequest r) {
        return call("Attach", r, AttachResponse.getDefaultInstance());
    }

    private <Q extends Message, R extends Message> R call(String method, Q request, R responseType) {
        return call(method, request, responseType, deadline);
    }

    @SuppressWarnings("unchecked")
    private <Q extends Message, R extends Message> R call(String method, Q request, R responseType, Duration timeout) {
        MethodDescriptor<Q, R> descriptor = MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(RUNTIME, method))
                .setRequestMarshaller(ProtoUtils.marshaller((Q) request.getDefaultInstanceForType()))
                .setResponseMarshaller(ProtoUtils.marshaller(responseType))
                .build();
        return ClientCalls.blockingUnaryCall(channel, descriptor,
                CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), request);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
