package dev.wasmj.shim.events;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** {@link Instant} as the protobuf Timestamp of events and task responses (protobuf-java-util is not a dependency). */
public final class Timestamps {
    private Timestamps() {}

    public static Timestamp of(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
