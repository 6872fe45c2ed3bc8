package dev.wasmj.shim.ttrpc;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One ttrpc frame: a 10-byte header ({@code uint32 length | uint32 stream id | uint8 type | uint8 flags},
 * big-endian) and the payload. {@code streamId} holds the unsigned 32-bit id in an int (see
 * {@link #unsignedStreamId()}); {@code type} is the raw byte, so frames of unknown types can be read
 * and reported.
 */
record Frame(int streamId, int type, int flags, ByteString payload) {
    static final int HEADER_SIZE = 10;
    /** The largest payload either side accepts: 4 MiB, as in containerd/ttrpc. */
    static final int MAX_PAYLOAD = 4 << 20;

    Frame {
        Objects.requireNonNull(payload, "payload");
        if (type < 0 || type > 0xff) throw new IllegalArgumentException("type " + type + " is not a byte");
        if (flags < 0 || flags > 0xff) throw new IllegalArgumentException("flags " + flags + " is not a byte");
    }

    Frame(int streamId, FrameType type, int flags, ByteString payload) {
        this(streamId, type.wire(), flags, payload);
    }

    long unsignedStreamId() {
        return Integer.toUnsignedLong(streamId);
    }

    @Override
    public String toString() {
        return "Frame[stream " + unsignedStreamId() + ", type " + type + ", flags 0x" + Integer.toHexString(flags)
                + ", " + payload.size() + " bytes]";
    }
}
