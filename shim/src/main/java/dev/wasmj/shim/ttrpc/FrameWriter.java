package dev.wasmj.shim.ttrpc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * Writes whole ttrpc frames to a blocking channel. Not thread-safe: callers hold their connection's
 * write lock so that frames never interleave.
 */
final class FrameWriter {
    private final GatheringByteChannel channel;

    FrameWriter(GatheringByteChannel channel) {
        this.channel = channel;
    }

    void write(Frame frame) throws IOException {
        if (frame.payload().size() > Frame.MAX_PAYLOAD) {
            // Callers check first and answer RESOURCE_EXHAUSTED instead; the peer would drop it anyway.
            throw new IllegalArgumentException(frame + " is over the maximum payload of " + Frame.MAX_PAYLOAD);
        }
        ByteBuffer[] buffers = { header(frame), frame.payload().asReadOnlyByteBuffer() };
        while (buffers[1].hasRemaining() || buffers[0].hasRemaining()) {
            channel.write(buffers);
        }
    }

    static ByteBuffer header(Frame frame) {
        ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_SIZE);
        header.putInt(frame.payload().size())
                .putInt(frame.streamId())
                .put((byte) frame.type())
                .put((byte) frame.flags())
                .flip();
        return header;
    }
}
