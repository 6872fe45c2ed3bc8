package dev.wasmj.shim.ttrpc;

import static dev.wasmj.shim.ttrpc.RawSocket.cat;
import static dev.wasmj.shim.ttrpc.RawSocket.frame;
import static dev.wasmj.shim.ttrpc.RawSocket.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.wasmj.shim.proto.ttrpc.KeyValue;
import dev.wasmj.shim.proto.ttrpc.Request;
import dev.wasmj.shim.proto.ttrpc.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand random, broken or truncated frames over many connections. The server may close any of
 * them, but it must never die: a connection opened before keeps working, and a valid call is answered
 * afterwards. The seed is printed; rerun with {@code -Dttrpc.fuzz.seed=N} to reproduce a failure.
 */
class FuzzTest {
    private static final int FRAMES = 10_000;
    private static final String SERVICE = TestService.SERVICE;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void theServerSurvivesGarbageAndStillAnswers() throws Exception {
        long seed = Long.getLong("ttrpc.fuzz.seed", 0x7770_C0FFEEL);
        System.out.println("FuzzTest seed " + seed + " (rerun with -Dttrpc.fuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        TestService service = new TestService();
        CapturedLog log = new CapturedLog();
        Map<String, Integer> outcomes = new TreeMap<>();

        try (TtrpcServer server = TtrpcServer.listen(dir.resolve("fuzz.sock"), service.registry, log);
             TtrpcClient bystander = TtrpcClient.connect(server.socket())) {
            int sent = 0;
            int connections = 0;
            while (sent < FRAMES) {
                connections++;
                try (RawSocket raw = RawSocket.connect(server.socket())) {
                    long lastId = -1;
                    int batch = 1 + random.nextInt(60);
                    boolean open = true;
                    for (int i = 0; i < batch && sent < FRAMES && open; i++, sent++) {
                        long id = lastId + 2 + 2L * random.nextInt(3); // odd, increasing, not always consecutive
                        byte[] bytes = randomFrame(random, id);
                        lastId = id;
                        open = writeInPieces(raw, bytes, random) && !raw.ended();
                    }
                    raw.shutdownOutput();
                    // The server must close every connection once we stop sending, whatever we sent.
                    for (Frame f : raw.framesUntilClosed()) {
                        Code code = Code.of(Response.parseFrom(f.payload()).getStatus().getCode());
                        outcomes.merge("answered " + code, 1, Integer::sum);
                    }
                    outcomes.merge(open ? "closed after our EOF" : "closed by the server while we wrote", 1, Integer::sum);
                }
                if (connections % 50 == 0) {
                    assertEquals("alive", bystander.call(SERVICE, "Echo", ByteString.copyFromUtf8("alive"),
                            Duration.ofSeconds(10), null).toStringUtf8(), "after " + sent + " frames");
                }
            }
            System.out.println("FuzzTest: " + sent + " frames over " + connections + " connections: " + outcomes);

            assertEquals("still alive", bystander.call(SERVICE, "Echo", ByteString.copyFromUtf8("still alive"),
                    Duration.ofSeconds(10), null).toStringUtf8());
            try (TtrpcClient fresh = TtrpcClient.connect(server.socket())) {
                assertEquals("fresh", fresh.call(SERVICE, "Echo", ByteString.copyFromUtf8("fresh"), Duration.ofSeconds(10), null)
                        .toStringUtf8());
            }
            Await.until("only the bystander is left connected", () -> server.openConnections() == 1);
            assertTrue(outcomes.getOrDefault("answered OK", 0) > 0, "some valid calls got through: " + outcomes);
            assertTrue(log.containing("closing connection").size() > 0, "some connections were closed for bad input");
        } finally {
            service.releaseAll();
        }
    }

    /** One frame of a random kind; {@code id} is the next valid (odd, increasing) stream id. */
    private static byte[] randomFrame(Random random, long id) {
        // Kinds 0-3 (and 6) end the connection or swallow the rest of it; valid calls weigh the most so
        // that connections live long enough to mix good and bad frames.
        switch (random.nextInt(16)) {
            case 0: // ten random header bytes and a short random body
                return cat(bytes(random, 10), bytes(random, random.nextInt(64)));
            case 1: // a valid request header around garbage
                return frame(id, 1, 0, bytes(random, random.nextInt(200)));
            case 2: // a huge announced length with a short body: the server discards until EOF
                return cat(header(Frame.MAX_PAYLOAD + 1 + (random.nextLong() & 0x7fff_ffffL), id, 1, 0),
                        bytes(random, random.nextInt(100)));
            case 3: // an allowed but unmet length: the following frames become its payload
                return cat(header(100 + random.nextInt(Frame.MAX_PAYLOAD - 100), id, random.nextInt(4), 0),
                        bytes(random, random.nextInt(100)));
            case 4: // a data frame
                return frame(id, 3, random.nextInt(8), bytes(random, random.nextInt(32)));
            case 5: // a zero-length frame of any type and flags
                return header(0, random.nextInt(2) == 0 ? id : random.nextInt(), random.nextInt(256), random.nextInt(256));
            case 6: // a header cut short
                return Arrays.copyOf(validRequest(random, id), 1 + random.nextInt(9));
            case 7: // a valid request on a wrong stream id (even, or going back)
                return frame(random.nextBoolean() ? id + 1 : Math.max(1, id - 2), 1, 0, validRequest(random, id));
            default: // a valid call, sometimes with odd flags or bytes flipped
                byte[] call = frame(id, 1, 0, validRequest(random, id));
                if (random.nextInt(4) == 0) call[11 + random.nextInt(call.length - 11)] ^= (byte) (1 << random.nextInt(8));
                if (random.nextInt(4) == 0) call[9] = (byte) random.nextInt(4);
                return call;
        }
    }

    private static byte[] validRequest(Random random, long id) {
        String[] methods = {"Echo", "Echo", "Echo", "Crash", "Nope", "Swap", "Fail"};
        String method = methods[random.nextInt(methods.length)];
        Request.Builder r = Request.newBuilder()
                .setService(random.nextInt(8) == 0 ? "unknown.Service" : SERVICE)
                .setMethod(method)
                .setPayload(ByteString.copyFrom(method.equals("Fail") ? "NOT_FOUND".getBytes(StandardCharsets.UTF_8) : bytes(random, random.nextInt(50))));
        if (random.nextBoolean()) r.setTimeoutNano(1 + random.nextInt(1_000_000_000));
        if (random.nextBoolean()) r.addMetadata(KeyValue.newBuilder().setKey("k").setValue(Long.toString(id)));
        return r.build().toByteArray();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Writes in random pieces, as a slow or unlucky client would; false once the server has hung up. */
    private static boolean writeInPieces(RawSocket raw, byte[] bytes, Random random) {
        int at = 0;
        while (at < bytes.length) {
            int n = random.nextInt(4) == 0 ? 1 + random.nextInt(bytes.length - at) : bytes.length - at;
            if (!raw.write(Arrays.copyOfRange(bytes, at, at + n))) return false;
            at += n;
        }
        return true;
    }
}
