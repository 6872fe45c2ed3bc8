package dev.wasmj.it.cri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * What {@code kubectl exec -it} and {@code kubectl attach -it} speak to containerd's streaming server (the URL
 * CRI's Exec and Attach answer), with the JDK's WebSocket client and the Kubernetes channel protocol
 * {@code v4.channel.k8s.io}: each binary message starts with its channel, 0 stdin, 1 stdout, 2 stderr, 3 the
 * final status (JSON), 4 resize ({@code {"Width":w,"Height":h}}).
 */
final class CriStream implements AutoCloseable {
    static final String PROTOCOL = "v4.channel.k8s.io";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final StringBuilder output = new StringBuilder();
    private final CompletableFuture<String> status = new CompletableFuture<>();

    private CriStream(URI uri) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(PROTOCOL).connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).get(20, TimeUnit.SECONDS);
    }

    /** Connects to the URL of an Exec or Attach answer (http:// becomes ws://). */
    static CriStream open(String url) throws Exception {
        return new CriStream(URI.create(url.replaceFirst("^http", "ws")));
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            message.writeBytes(part);
            if (last) {
                byte[] whole = message.toByteArray();
                message.reset();
                if (whole.length > 0) route(whole[0], new String(whole, 1, whole.length - 1, StandardCharsets.UTF_8));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            status.complete("");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            status.completeExceptionally(error);
        }
    }

    private void route(int channel, String text) {
        if (channel == 1 || channel == 2) {
            // A terminal answers a cursor-position query (busybox's line editing sends one at each prompt).
            // Not from this (the receiving) thread: the JDK's WebSocket takes one send at a time.
            if (text.contains("\u001b[6n")) CompletableFuture.runAsync(() -> type("\u001b[1;1R"));
            synchronized (output) {
                output.append(text);
                output.notifyAll();
            }
        } else if (channel == 3 && !text.isEmpty()) {
            status.complete(text);
        }
    }

    void type(String text) {
        send(0, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The terminal's new size: the process gets SIGWINCH (CRI calls the shim's ResizePty). */
    void resize(int columns, int rows) {
        send(4, ("{\"Width\":" + columns + ",\"Height\":" + rows + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** One at a time: the JDK's WebSocket refuses a send while another is pending. */
    private synchronized void send(int channel, byte[] data) {
        ByteBuffer frame = ByteBuffer.allocate(data.length + 1);
        frame.put((byte) channel).put(data).flip();
        socket.sendBinary(frame, true).join();
    }

    /** Waits until the output (stdout and stderr) holds {@code text}; consumes it up to there. */
    String await(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("the stream never showed \"" + text + "\"; it showed:\n" + output
                            + "\n(status: " + status.getNow("none yet") + ")");
                }
                output.wait(left);
            }
            String all = output.toString();
            output.delete(0, output.indexOf(text) + text.length());
            return all;
        }
    }

    /** The process's exit code from the final status: 0 for Success, else the ExitCode cause. */
    int exitCode(Duration timeout) throws Exception {
        String json = status.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (json.isEmpty()) throw new AssertionError("the stream closed without a status");
        JsonNode s = JSON.readTree(json);
        if ("Success".equals(s.path("status").asText())) return 0;
        for (JsonNode cause : s.path("details").path("causes")) {
            if ("ExitCode".equals(cause.path("reason").asText())) return Integer.parseInt(cause.path("message").asText());
        }
        throw new AssertionError("no exit code in the status: " + json);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
