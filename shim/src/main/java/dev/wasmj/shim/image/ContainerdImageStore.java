package dev.wasmj.shim.image;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.wasmj.shim.proto.services.containers.v1.GetContainerRequest;
import dev.wasmj.shim.proto.services.containers.v1.GetContainerResponse;
import dev.wasmj.shim.proto.services.content.v1.ReadContentRequest;
import dev.wasmj.shim.proto.services.content.v1.ReadContentResponse;
import dev.wasmj.shim.proto.services.images.v1.GetImageRequest;
import dev.wasmj.shim.proto.services.images.v1.GetImageResponse;
import dev.wasmj.shim.proto.types.Descriptor;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link ImageStore} over containerd's gRPC API on its main socket (the shim's {@code -address}), in the
 * shim's namespace (sent as {@code containerd-namespace} metadata on every call, as containerd's own clients
 * do). The channel connects on first use.
 */
public final class ContainerdImageStore implements ImageStore {
    private static final Metadata.Key<String> NAMESPACE =
            Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
    /** A Read's messages are at most 1 MiB from containerd; room for a larger server's. */
    private static final int MAX_MESSAGE = 16 << 20;

    private static final MethodDescriptor<GetContainerRequest, GetContainerResponse> GET_CONTAINER =
            unary("containerd.services.containers.v1.Containers/Get", GetContainerResponse.parser());
    private static final MethodDescriptor<GetImageRequest, GetImageResponse> GET_IMAGE =
            unary("containerd.services.images.v1.Images/Get", GetImageResponse.parser());
    private static final MethodDescriptor<ReadContentRequest, ReadContentResponse> READ =
            MethodDescriptor.<ReadContentRequest, ReadContentResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
                    .setFullMethodName("containerd.services.content.v1.Content/Read")
                    .setRequestMarshaller(new ProtoMarshaller<>(null))
                    .setResponseMarshaller(new ProtoMarshaller<>(ReadContentResponse.parser()))
                    .build();

    private final String address;
    private final Duration deadline;
    private final Metadata headers = new Metadata();
    private ManagedChannel channel;

    /** @param address containerd's gRPC socket ({@code /run/containerd/containerd.sock}, with or without unix://) */
    public ContainerdImageStore(String address, String namespace, Duration deadline) {
        this.address = address.startsWith("unix://") ? address : "unix://" + address;
        this.deadline = deadline;
        headers.put(NAMESPACE, namespace);
    }

    private synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
                    .maxInboundMessageSize(MAX_MESSAGE)
                    .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .build();
        }
        return channel;
    }

    private CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<String> imageOf(String containerId) throws ImageException {
        try {
            GetContainerResponse r = ClientCalls.blockingUnaryCall(channel(), GET_CONTAINER, options(),
                    GetContainerRequest.newBuilder().setId(containerId).build());
            String image = r.getContainer().getImage();
            return image.isEmpty() ? Optional.empty() : Optional.of(image);
        } catch (StatusRuntimeException e) {
            // A container containerd does not know (a shim run by hand, a test) has no image to read.
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) return Optional.empty();
            throw failure("container " + containerId, e);
        }
    }

    @Override
    public Blob target(String imageName) throws ImageException {
        try {
            Descriptor d = ClientCalls.blockingUnaryCall(channel(), GET_IMAGE, options(),
                    GetImageRequest.newBuilder().setName(imageName).build()).getImage().getTarget();
            return new Blob(d.getMediaType(), d.getDigest(), d.getSize());
        } catch (StatusRuntimeException e) {
            throw failure("image " + imageName, e);
        }
    }

    @Override
    public void read(Blob blob, OutputStream out, int chunkSize) throws ImageException {
        long offset = 0;
        try {
            // One request per chunk: each answer stays small whatever the blob's size, and a slow read is bounded
            // by the deadline per chunk, not per blob.
            while (offset < blob.size()) {
                long want = Math.min(chunkSize, blob.size() - offset);
                Iterator<ReadContentResponse> answers = ClientCalls.blockingServerStreamingCall(channel(), READ, options(),
                        ReadContentRequest.newBuilder().setDigest(blob.digest()).setOffset(offset).setSize(want).build());
                long got = 0;
                while (answers.hasNext()) {
                    ReadContentResponse r = answers.next();
                    // containerd numbers a ranged read's messages from the range's start (1.7, 2.1) or the blob's.
                    if (r.getOffset() != got && r.getOffset() != offset + got) {
                        throw new ImageException(blob + ": containerd answered offset " + r.getOffset() + ", expected " + (offset + got));
                    }
                    if (got + r.getData().size() > want) {
                        throw new ImageException(blob + ": containerd sent more than the " + want + " bytes asked for at offset " + offset);
                    }
                    r.getData().writeTo(out);
                    got += r.getData().size();
                }
                if (got == 0) throw new ImageException(blob + ": containerd sent nothing at offset " + offset);
                offset += got;
            }
        } catch (StatusRuntimeException e) {
            throw failure("blob " + blob, e);
        } catch (IOException | UncheckedIOException e) {
            throw new ImageException(blob + ": " + e.getMessage(), e);
        }
    }

    private ImageException failure(String what, StatusRuntimeException e) {
        return new ImageException("containerd (" + address + ") could not give " + what + ": " + e.getStatus().getCode()
                + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()), e);
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
    }

    private static <Q extends MessageLite, R extends MessageLite> MethodDescriptor<Q, R> unary(String name, Parser<R> parser) {
        return MethodDescriptor.<Q, R>newBuilder().setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(name)
                .setRequestMarshaller(new ProtoMarshaller<>(null)).setResponseMarshaller(new ProtoMarshaller<>(parser))
                .build();
    }

    /** Protobuf messages on the wire; requests are only written, so they need no parser. */
    private record ProtoMarshaller<T extends MessageLite>(Parser<T> parser) implements MethodDescriptor.Marshaller<T> {
        @Override
        public InputStream stream(T value) {
            return new ByteArrayInputStream(value.toByteArray());
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return parser.parseFrom(stream);
            } catch (InvalidProtocolBufferException e) {
                throw Status.INTERNAL.withDescription("unreadable answer: " + e.getMessage()).withCause(e).asRuntimeException();
            }
        }
    }
}
