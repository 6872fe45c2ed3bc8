package dev.wasmj.shim.ttrpc;

import java.io.IOException;

/**
 * A frame announced a payload over {@link Frame#MAX_PAYLOAD}. The reader has already discarded that
 * payload, so the stream is in sync again: the connection may go on, and the sender deserves a
 * RESOURCE_EXHAUSTED answer on {@link #header()}'s stream.
 */
final class FrameTooLargeException extends IOException {
    private final transient Frame header;
    private final long length;

    FrameTooLargeException(Frame header, long length) {
        super("frame on stream " + header.unsignedStreamId() + " carries " + length
                + " bytes, more than the maximum of " + Frame.MAX_PAYLOAD);
        this.header = header;
        this.length = length;
    }

    /** The frame's header, with an empty payload. */
    Frame header() {
        return header;
    }

    /** The payload length the header announced. */
    long length() {
        return length;
    }
}
