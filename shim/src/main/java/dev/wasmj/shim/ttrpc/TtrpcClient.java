package dev.wasmj.shim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.wasmj.shim.proto.rpc.Status;
import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import dev.wasmj.shim.proto.ttrpc.Response;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A ttrpc client on one unix socket connection (the shim uses it to publish events to containerd).
 * Any number of threads may call at once: each call gets the next odd stream id, and a reader thread
 * hands each response to the caller waiting for that id.
 *
 * <p>Interrupting a thread while it writes a request closes the connection (the JDK closes an
 * interruptible channel); pending calls then fail with {@link IOException} and {@link #isOpen()} turns
 * false, so callers reconnect.
 */
public final class TtrpcClient implements AutoCloseable {
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

    private final Path socket;
    private final SocketChannel channel;
    private final FrameWriter writer;
    private final Object sendLock = new Object(); // one frame at a time, ids on the wire in increasing order
    private long nextStreamId = 1; // guarded by sendLock
    private final Map<Integer, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    private final AtomicReference<IOException> closedBecause = new AtomicReference<>(); // null while open
    private final Thread reader;

    private TtrpcClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.writer = new FrameWriter(channel);
        this.reader = DaemonThreads.named("ttrpc-client-" + SERIAL.incrementAndGet() + "-" + socket.getFileName(),
                this::readLoop);
    }

    public static TtrpcClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot connect to " + socket + ": " + e.getMessage(), e);
        }
        TtrpcClient client = new TtrpcClient(socket, channel);
        client.reader.start();
        return client;
    }

    /**
     * Calls {@code service/method} with an encoded request and returns the encoded response.
     *
     * @param timeout sent to the server as {@code timeout_nano} and also enforced here; null = none
     * @param metadata sent as the request's metadata; may be null
     * @throws TtrpcException the server answered a non-OK status (its code and message), the timeout
     *         passed (DEADLINE_EXCEEDED), or the request is over 4 MiB (RESOURCE_EXHAUSTED)
     * @throws IOException the connection is closed or was lost before the answer came
     */
    public ByteString call(String service, String method, ByteString payload, Duration timeout,
            Map<String, String> metadata) throws TtrpcException, IOException {
        String name = ServiceRegistry.name(service, method);
        Request.Builder request = Request.newBuilder()
                .setService(service)
                .setMethod(method)
                .setPayload(payload == null ? ByteString.EMPTY : payload);
        long timeoutNanos = 0;
        if (timeout != null) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new TtrpcException(Code.DEADLINE_EXCEEDED, name + ": the timeout " + timeout + " has already passed");
            }
            timeoutNanos = saturatedNanos(timeout);
            request.setTimeoutNano(timeoutNanos);
        }
        if (metadata != null) {
            metadata.forEach((k, v) -> request.addMetadata(KeyValue.newBuilder().setKey(k).setValue(v)));
        }
        ByteString bytes = request.build().toByteString();
        if (bytes.size() > Frame.MAX_PAYLOAD) {
            throw new TtrpcException(Code.RESOURCE_EXHAUSTED, name + ": the request is " + bytes.size()
                    + " bytes, more than the maximum of " + Frame.MAX_PAYLOAD);
        }
        if (Thread.currentThread().isInterrupted()) {
            // Writing now would close the connection for every caller (see the class comment).
            throw new InterruptedIOException(name + ": interrupted before sending");
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        int streamId = send(bytes, answer);
        Response response = await(name, streamId, answer, timeoutNanos, timeout);
        Status status = response.getStatus(); // the default instance (code 0) when the server sent none
        if (status.getCode() != Code.OK.value()) {
            throw new TtrpcException(Code.of(status.getCode()), status.getMessage());
        }
        return response.getPayload();
    }

    /** Calls {@code service/method} with a message and parses the response with {@code responseParser}. */
    public <R> R call(String service, String method, MessageLite request, Parser<R> responseParser, Duration timeout)
            throws TtrpcException, IOException {
        ByteString response = call(service, method, request.toByteString(), timeout, null);
        try {
            return responseParser.parseFrom(response);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(ServiceRegistry.name(service, method) + ": malformed response: " + e.getMessage(), e);
        }
    }

    /** False once the connection is closed or lost; a caller then connects anew. */
    public boolean isOpen() {
        return closedBecause.get() == null && channel.isOpen();
    }

    /** Closes the connection; pending calls fail with {@link IOException}. Idempotent. */
    @Override
    public void close() {
        shutDown(new IOException("the ttrpc client for " + socket + " was closed"));
    }

    private int send(ByteString request, CompletableFuture<Response> answer) throws IOException {
        synchronized (sendLock) {
            throwIfClosed();
            if (nextStreamId > MAX_STREAM_ID) {
                throw new IOException("ttrpc connection to " + socket + " has used up its stream ids; reconnect");
            }
            int streamId = (int) nextStreamId;
            nextStreamId += 2;
            pending.put(streamId, answer); // before writing: the answer may come before write() returns
            if (closedBecause.get() != null) { // the reader failed everything pending just before our put
                pending.remove(streamId);
                throwIfClosed();
            }
            try {
                writer.write(new Frame(streamId, FrameType.REQUEST, 0, request));
            } catch (IOException e) {
                // A partly written frame leaves the stream unusable for everyone.
                shutDown(e);
                throw lost(e);
            }
            return streamId;
        }
    }

    private Response await(String name, int streamId, CompletableFuture<Response> answer, long timeoutNanos,
            Duration timeout) throws TtrpcException, IOException {
        try {
            return timeoutNanos > 0 ? answer.get(timeoutNanos, TimeUnit.NANOSECONDS) : answer.get();
        } catch (TimeoutException e) {
            pending.remove(streamId); // a late answer is then dropped by the reader
            throw new TtrpcException(Code.DEADLINE_EXCEEDED, name + ": no answer within " + timeout);
        } catch (InterruptedException e) {
            pending.remove(streamId);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + ": interrupted while waiting for the answer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TtrpcException) {
                TtrpcException t = (TtrpcException) cause;
                throw new TtrpcException(t.code(), name + ": " + t.getMessage(), t);
            }
            if (cause instanceof IOException) throw lost((IOException) cause);
            throw new IOException(name + ": " + cause, cause);
        }
    }

    private void readLoop() {
        FrameReader in = new FrameReader(channel);
        IOException end;
        try {
            while (true) {
                Frame frame;
                try {
                    frame = in.read();
                } catch (FrameTooLargeException e) {
                    fail(e.header().streamId(), new TtrpcException(Code.RESOURCE_EXHAUSTED, e.getMessage()));
                    continue;
                }
                if (frame == null) {
                    end = new EOFException("the server closed the connection");
                    break;
                }
                // Other frame types are not ours to act on; ttrpc ignores them for forward compatibility.
                if (frame.type() != FrameType.RESPONSE.wire()) continue;
                CompletableFuture<Response> answer = pending.remove(frame.streamId());
                if (answer == null) continue; // the caller gave up on its deadline
                try {
                    answer.complete(Response.parseFrom(frame.payload()));
                } catch (InvalidProtocolBufferException e) {
                    answer.completeExceptionally(new IOException("malformed ttrpc.Response on stream "
                            + frame.unsignedStreamId() + ": " + e.getMessage(), e));
                }
            }
        } catch (IOException e) {
            end = e;
        }
        shutDown(end);
    }

    private void fail(int streamId, Exception failure) {
        CompletableFuture<Response> answer = pending.remove(streamId);
        if (answer != null) answer.completeExceptionally(failure);
    }

    /** Marks the connection closed (first cause wins), closes it and fails every pending call. */
    private void shutDown(IOException cause) {
        closedBecause.compareAndSet(null, cause);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        // Drained by whoever gets here; a caller that registers later sees closedBecause and backs out.
        for (Integer streamId : pending.keySet()) fail(streamId, closedBecause.get());
    }

    private void throwIfClosed() throws IOException {
        IOException cause = closedBecause.get();
        if (cause != null) throw lost(cause);
    }

    private IOException lost(IOException cause) {
        return new IOException("ttrpc connection to " + socket + " is closed: " + cause.getMessage(), cause);
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
