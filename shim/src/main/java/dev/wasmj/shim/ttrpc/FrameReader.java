package dev.wasmj.shim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Reads ttrpc frames from a blocking channel. One reader thread per channel. */
final class FrameReader {
    private final ReadableByteChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_SIZE); // big-endian by default
    private ByteBuffer discard; // only allocated once someone sends an oversized frame

    FrameReader(ReadableByteChannel channel) {
        this.channel = channel;
    }

    /**
     * The next frame, or null when the peer closed the stream between frames.
     *
     * @throws EOFException the stream ended inside a frame (a truncated header or payload)
     * @throws FrameTooLargeException the payload was over the limit; it has been read and dropped
     */
    Frame read() throws IOException {
        header.clear();
        if (!fill(header)) {
            if (header.position() == 0) return null;
            throw new EOFException("stream ended inside a frame header (" + header.position() + " of "
                    + Frame.HEADER_SIZE + " bytes)");
        }
        header.flip();
        long length = Integer.toUnsignedLong(header.getInt());
        int streamId = header.getInt();
        int type = Byte.toUnsignedInt(header.get());
        int flags = Byte.toUnsignedInt(header.get());
        if (length > Frame.MAX_PAYLOAD) {
            skip(length);
            throw new FrameTooLargeException(new Frame(streamId, type, flags, ByteString.EMPTY), length);
        }
        ByteBuffer payload = ByteBuffer.allocate((int) length);
        if (!fill(payload)) {
            throw new EOFException("stream ended inside the payload of a frame on stream "
                    + Integer.toUnsignedLong(streamId) + " (" + payload.position() + " of " + length + " bytes)");
        }
        // The array is ours alone from here on, so wrapping it without a copy is safe.
        return new Frame(streamId, type, flags, UnsafeByteOperations.unsafeWrap(payload.array()));
    }

    /** Reads until {@code buffer} is full; false if the stream ended first. */
    private boolean fill(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) return false;
        }
        return true;
    }

    private void skip(long length) throws IOException {
        if (discard == null) discard = ByteBuffer.allocate(64 << 10);
        long left = length;
        while (left > 0) {
            discard.clear();
            discard.limit((int) Math.min(left, discard.capacity()));
            int n = channel.read(discard);
            if (n < 0) {
                throw new EOFException("stream ended inside an oversized payload (" + (length - left) + " of "
                        + length + " bytes)");
            }
            left -= n;
        }
    }
}
