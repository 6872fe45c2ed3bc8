package dev.wasmj.shim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.wasmj.shim.proto.ttrpc.Request;
import dev.wasmj.shim.proto.ttrpc.Response;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One accepted client: a reader thread that checks each frame and hands requests to workers.
 *
 * <p>What ends the connection: input that leaves us unable to trust the byte stream or the client's
 * stream ids — an unknown frame type, a response frame from the client, a request on an even or
 * non-increasing stream id, a frame cut short by EOF. What only answers an error on that stream (the
 * framing is intact, so the next frame can be read): a payload over 4 MiB (RESOURCE_EXHAUSTED, after
 * discarding it), a request that is not a valid {@code ttrpc.Request} (INVALID_ARGUMENT), a streaming
 * request or an unknown method (UNIMPLEMENTED). Data frames are ignored.
 *
 * <p>The reader thread never writes: every response goes out from a worker, so a client that sends
 * without reading cannot stall the reading of its own requests.
 */
final class ServerConnection {
    private final String name;
    private final SocketChannel channel;
    private final ServiceRegistry registry;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Consumer<String> log;
    private final Consumer<ServerConnection> onClosed;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private long lastStreamId; // read by the reader thread only

    ServerConnection(String name, SocketChannel channel, ServiceRegistry registry, ExecutorService workers,
            ScheduledExecutorService timers, Consumer<String> log, Consumer<ServerConnection> onClosed) {
        this.name = name;
        this.channel = channel;
        this.registry = registry;
        this.workers = workers;
        this.timers = timers;
        this.log = log;
        this.onClosed = onClosed;
        this.reader = new FrameReader(channel);
        this.writer = new FrameWriter(channel);
    }

    void start(String threadName) {
        DaemonThreads.named(threadName, this::readLoop).start();
    }

    /** Closes the socket; the reader thread ends and workers' late responses are dropped. Idempotent. */
    void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            channel.close();
        } catch (IOException e) {
            log.accept("ttrpc: " + name + ": close failed: " + e);
        }
        onClosed.accept(this);
    }

    @Override
    public String toString() {
        return name;
    }

    private void readLoop() {
        try {
            while (true) {
                Frame frame;
                FrameTooLargeException tooLarge = null;
                try {
                    frame = reader.read();
                } catch (FrameTooLargeException e) {
                    frame = e.header();
                    tooLarge = e;
                }
                if (frame == null) return; // the client hung up between frames: the normal end
                String problem = onFrame(frame, tooLarge);
                if (problem != null) {
                    log.accept("ttrpc: closing " + name + ": " + problem);
                    return;
                }
            }
        } catch (EOFException e) {
            log.accept("ttrpc: closing " + name + ": truncated frame: " + e.getMessage());
        } catch (ClosedChannelException e) {
            // closed by us (server shutdown): nothing to report
        } catch (IOException e) {
            if (!closed.get()) log.accept("ttrpc: closing " + name + ": read failed: " + e);
        } catch (RejectedExecutionException e) {
            // the server is closing and its workers are gone
        } finally {
            close();
        }
    }

    /** Handles one frame; returns why the connection must be closed, or null to go on reading. */
    private String onFrame(Frame frame, FrameTooLargeException tooLarge) {
        long streamId = frame.unsignedStreamId();
        FrameType type = FrameType.fromWire(frame.type());
        if (type == null) return "unknown frame type " + frame.type() + " on stream " + streamId;
        switch (type) {
            case DATA:
                log.accept("ttrpc: " + name + ": ignored a data frame on stream " + streamId
                        + " (streaming is not supported)");
                return null;
            case RESPONSE:
                return "the client sent a response frame (stream " + streamId + ")";
            case REQUEST:
            default:
                break;
        }
        if (streamId % 2 == 0) return "request on even stream id " + streamId + " (client stream ids are odd)";
        if (streamId <= lastStreamId) {
            return "request on stream " + streamId + ", which is not above the previous one (" + lastStreamId + ")";
        }
        lastStreamId = streamId;
        if (tooLarge != null) {
            log.accept("ttrpc: " + name + ": " + tooLarge.getMessage());
            respond(streamId, Statuses.error(Code.RESOURCE_EXHAUSTED, tooLarge.getMessage()));
            return null;
        }
        Request request;
        try {
            request = Request.parseFrom(frame.payload());
        } catch (InvalidProtocolBufferException e) {
            // Only this request is garbage; the frame boundaries are intact, so the connection stays.
            log.accept("ttrpc: " + name + ": stream " + streamId + " is not a valid ttrpc.Request: " + e.getMessage());
            respond(streamId, Statuses.error(Code.INVALID_ARGUMENT,
                    "stream " + streamId + ": the request is not a valid ttrpc.Request: " + e.getMessage()));
            return null;
        }
        String method = ServiceRegistry.name(request.getService(), request.getMethod());
        if ((frame.flags() & FrameType.FLAG_REMOTE_OPEN) != 0) {
            respond(streamId, Statuses.error(Code.UNIMPLEMENTED, "streaming is not supported (" + method + ")"));
            return null;
        }
        Handler handler = registry.lookup(request.getService(), request.getMethod());
        if (handler == null) {
            String why = registry.hasService(request.getService())
                    ? "unknown method " + method
                    : "unknown service " + request.getService() + " (called " + method + ")";
            respond(streamId, Statuses.error(Code.UNIMPLEMENTED, why));
            return null;
        }
        CallContext context = CallContext.of(request, System.nanoTime());
        new ServerCall(streamId, context, request.getPayload(), handler, this::send, workers, log).start(timers);
        return null;
    }

    private void respond(long streamId, Response response) {
        workers.execute(() -> send(streamId, response));
    }

    /** Writes one response frame whole; on a write failure the connection is closed. */
    private void send(long streamId, Response response) {
        if (closed.get()) return; // late answer for a client that is gone
        ByteString bytes = response.toByteString();
        if (bytes.size() > Frame.MAX_PAYLOAD) {
            String message = "the response on stream " + streamId + " is " + bytes.size()
                    + " bytes, more than the maximum of " + Frame.MAX_PAYLOAD;
            log.accept("ttrpc: " + name + ": " + message);
            bytes = Statuses.error(Code.RESOURCE_EXHAUSTED, message).toByteString();
        }
        Frame frame = new Frame((int) streamId, FrameType.RESPONSE, 0, bytes);
        try {
            synchronized (writeLock) {
                writer.write(frame);
            }
        } catch (IOException e) {
            if (!closed.get()) log.accept("ttrpc: closing " + name + ": write failed: " + e);
            close();
        }
    }
}
