package dev.wasmj.shim.ttrpc;

/** The message types a ttrpc frame header names, and the flags that go with them. */
enum FrameType {
    REQUEST(1),
    RESPONSE(2),
    DATA(3);

    /** Request flag: the client will send no data frames on this stream. */
    static final int FLAG_REMOTE_CLOSED = 0x1;
    /** Request flag: the client will stream data frames (a streaming call; unary calls send 0). */
    static final int FLAG_REMOTE_OPEN = 0x2;
    /** Data flag: the frame carries no data. */
    static final int FLAG_NO_DATA = 0x4;

    private final int wire;

    FrameType(int wire) {
        this.wire = wire;
    }

    int wire() {
        return wire;
    }

    /** The type with this number, or null for one this implementation does not know. */
    static FrameType fromWire(int wire) {
        for (FrameType t : values()) {
            if (t.wire == wire) return t;
        }
        return null;
    }
}
