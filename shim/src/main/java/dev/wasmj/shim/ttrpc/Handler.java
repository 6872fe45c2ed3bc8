package dev.wasmj.shim.ttrpc;

import com.google.protobuf.ByteString;

/**
 * One method of a service: encoded request in, encoded response out. Runs on a worker thread of its
 * own, so it may block. Throw {@link TtrpcException} to choose the status code; any other exception
 * answers INTERNAL ({@code InvalidProtocolBufferException}: INVALID_ARGUMENT). Returning null answers
 * the empty message.
 */
@FunctionalInterface
public interface Handler {
    ByteString handle(CallContext context, ByteString payload) throws Exception;
}
