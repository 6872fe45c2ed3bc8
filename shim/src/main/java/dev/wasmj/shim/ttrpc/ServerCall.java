package dev.wasmj.shim.ttrpc;

import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.ttrpc.Response;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One request being served: runs the handler on a worker and answers exactly once, either with the
 * handler's outcome or, if the caller's deadline passes first, with DEADLINE_EXCEEDED (the late result
 * is then dropped). The handler is not interrupted: interrupting a thread closes any NIO channel it is
 * using, which could be state shared with other calls; it can poll {@link CallContext#expired()}.
 */
final class ServerCall implements Runnable {
    /** Sends one response frame on a stream; called from worker threads. */
    interface Responder {
        void send(long streamId, Response response);
    }

    private final long streamId;
    private final CallContext context;
    private final ByteString payload;
    private final Handler handler;
    private final Responder responder;
    private final Executor workers;
    private final Consumer<String> log;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile ScheduledFuture<?> deadline;

    ServerCall(long streamId, CallContext context, ByteString payload, Handler handler, Responder responder,
            Executor workers, Consumer<String> log) {
        this.streamId = streamId;
        this.context = context;
        this.payload = payload;
        this.handler = handler;
        this.responder = responder;
        this.workers = workers;
        this.log = log;
    }

    void start(ScheduledExecutorService timers) {
        OptionalLong timeout = context.timeoutNanos();
        if (timeout.isPresent()) {
            deadline = timers.schedule(this::expire, timeout.getAsLong(), TimeUnit.NANOSECONDS);
        }
        workers.execute(this);
    }

    @Override
    public void run() {
        Response response;
        try {
            ByteString result = handler.handle(context, payload);
            response = Response.newBuilder().setPayload(result == null ? ByteString.EMPTY : result).build();
        } catch (Throwable failure) { // even an Error only fails this call, never the connection
            if (!(failure instanceof TtrpcException)) {
                log.accept("ttrpc: " + context + " on stream " + streamId + " failed: " + failure);
            }
            response = Response.newBuilder().setStatus(Statuses.of(failure)).build();
        }
        ScheduledFuture<?> timer = deadline;
        if (timer != null) timer.cancel(false);
        answer(response);
    }

    private void expire() {
        if (!answered.compareAndSet(false, true)) return;
        long millis = TimeUnit.NANOSECONDS.toMillis(context.timeoutNanos().orElse(0));
        log.accept("ttrpc: " + context + " on stream " + streamId + " exceeded the caller's " + millis + " ms deadline");
        Response response = Statuses.error(Code.DEADLINE_EXCEEDED,
                context + ": deadline of " + millis + " ms exceeded");
        // Writing may block on a slow reader; keep the single timer thread free for other deadlines.
        try {
            workers.execute(() -> responder.send(streamId, response));
        } catch (RejectedExecutionException e) {
            // the server is closing: the connection goes with it
        }
    }

    private void answer(Response response) {
        if (answered.compareAndSet(false, true)) responder.send(streamId, response);
    }
}
