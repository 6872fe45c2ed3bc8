package dev.wasmj.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.wasmj.shim.proto.ttrpc.Request;
import dev.wasmj.shim.proto.ttrpc.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test peer that writes arbitrary bytes (valid or not) and collects whatever frames come back on a
 * background thread, so a test never blocks on a peer that stopped reading or writing.
 */
final class RawSocket implements AutoCloseable {
    static final long WAIT_SECONDS = 10;
    private static final Object END = new Object();

    private final SocketChannel channel;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private RawSocket(SocketChannel channel) {
        this.channel = channel;
        DaemonThreads.named("test-raw-socket-reader", this::readLoop).start();
    }

    static RawSocket connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawSocket(channel);
    }

    /** The next connection on {@code listener}: a stand-in server for client tests. */
    static RawSocket accept(ServerSocketChannel listener) throws IOException {
        return new RawSocket(listener.accept());
    }

    private void readLoop() {
        FrameReader reader = new FrameReader(channel);
        try {
            while (true) {
                try {
                    Frame frame = reader.read();
                    if (frame == null) break;
                    received.add(frame);
                } catch (FrameTooLargeException e) {
                    received.add(e);
                }
            }
        } catch (IOException e) {
            // reset or truncated: for a test, the connection has ended either way
        } finally {
            ended = true;
            received.add(END);
        }
    }

    /** Writes all of {@code bytes}; false if the peer had already closed the connection. */
    boolean write(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            while (buffer.hasRemaining()) channel.write(buffer);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the peer's side of the connection has ended (we read EOF). */
    boolean ended() {
        return ended;
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** The next frame, or null once the connection has ended; fails if nothing comes within the wait. */
    Frame next() throws InterruptedException {
        Object item = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (item == null) fail("no frame and no end of connection within " + WAIT_SECONDS + " s");
        if (item == END) {
            received.add(END); // stay ended for later calls
            return null;
        }
        if (item instanceof FrameTooLargeException) fail("peer sent an oversized frame: " + item);
        return (Frame) item;
    }

    /** The next frame, which must be a response on {@code streamId}. */
    Response response(long streamId) throws InterruptedException, InvalidProtocolBufferException {
        Frame frame = next();
        assertNotNull(frame, "connection ended before the response on stream " + streamId);
        assertEquals(FrameType.RESPONSE.wire(), frame.type(), frame.toString());
        assertEquals(streamId, frame.unsignedStreamId(), frame.toString());
        return Response.parseFrom(frame.payload());
    }

    /** The next frame, which must be a request; returns its stream id and the parsed request. */
    Frame request() throws InterruptedException {
        Frame frame = next();
        assertNotNull(frame, "connection ended before a request came");
        assertEquals(FrameType.REQUEST.wire(), frame.type(), frame.toString());
        return frame;
    }

    /** Every frame until the peer closes the connection; fails if it does not close within the wait. */
    List<Frame> framesUntilClosed() throws InterruptedException {
        List<Frame> frames = new ArrayList<>();
        for (Frame f = next(); f != null; f = next()) frames.add(f);
        return frames;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // --- bytes for the wire, built by hand so they can be wrong on purpose

    static byte[] header(long length, long streamId, int type, int flags) {
        return ByteBuffer.allocate(Frame.HEADER_SIZE)
                .putInt((int) length).putInt((int) streamId).put((byte) type).put((byte) flags).array();
    }

    static byte[] frame(long streamId, int type, int flags, byte[] payload) {
        return cat(header(payload.length, streamId, type, flags), payload);
    }

    static byte[] request(long streamId, Request request) {
        return frame(streamId, FrameType.REQUEST.wire(), 0, request.toByteArray());
    }

    static byte[] request(long streamId, String service, String method, byte[] payload) {
        return request(streamId, Request.newBuilder().setService(service).setMethod(method)
                .setPayload(com.google.protobuf.ByteString.copyFrom(payload)).build());
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
