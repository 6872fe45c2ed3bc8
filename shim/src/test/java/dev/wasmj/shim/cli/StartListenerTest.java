package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.shim.log.ShimLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartListenerTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final ShimLog log = new ShimLog(new PrintStream(logged, true, StandardCharsets.UTF_8), true, Map.of());

    /** Answers with what it was asked, or says it is full for a container named "full". */
    private final StartListener.Handler echo = request -> {
        ShimArgs args = request.shimArgs();
        if (args.id().equals("full")) throw new ServerGroups.Full("full here");
        if (args.id().equals("broken")) throw new IllegalStateException("cannot start broken");
        return args.id() + " in " + args.bundleDir() + " with " + request.env().get("MAX_SHIM_VERSION") + " and "
                + new String(request.options(), StandardCharsets.UTF_8);
    };

    private Path path() {
        return StartListener.path(tmp.resolve("containerd.sock").toString(), "k8s.io").orElseThrow();
    }

    private String ask(byte[] request) throws Exception {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path()))) {
            c.write(ByteBuffer.wrap(request));
            c.shutdownOutput();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (c.read(b) >= 0) {
                reply.write(b.array(), 0, b.position());
                b.clear();
            }
            return reply.toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] start(String id) {
        return StartListener.encode(Path.of("/bundles/" + id), List.of("-namespace", "k8s.io", "-id", id, "start"),
                Map.of("MAX_SHIM_VERSION", "3"), "opts".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void answersAStartAsStartWouldAndSaysWhenFullOrFailed() throws Exception {
        try (StartListener listener = StartListener.open(path(), echo, log).orElseThrow()) {
            assertEquals("Ac1 in /bundles/c1 with 3 and opts", ask(start("c1")));
            assertEquals("Ffull here", ask(start("full")));
            assertEquals("Ecannot start broken", ask(start("broken")));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(listener.path())));
        }
        assertFalse(Files.exists(path()), "closed: its socket file is gone");
    }

    @Test
    void malformedRequestsAreRefusedByNameAndTheListenerGoesOn() throws Exception {
        try (StartListener listener = StartListener.open(path(), echo, log).orElseThrow()) {
            assertTrue(ask(new byte[] {1, 2}).startsWith("Emalformed start request: 2 bytes"));
            assertTrue(ask(new byte[] {0x7f, 0, 0, 0, 'x'}).startsWith("Emalformed start request: text length"));
            byte[] noArgs = ByteBuffer.allocate(5).putInt(1).put((byte) 'x').array();
            assertTrue(ask(noArgs).startsWith("Emalformed start request"), "a directory but no arguments");
            byte[] huge = new byte[StartListener.MAX_REQUEST + 10];
            String reply;
            try {
                reply = ask(huge);
            } catch (java.io.IOException e) {
                reply = ""; // the listener hung up on it: also fine
            }
            assertFalse(reply.startsWith("A"), "a request over the limit is not served");
            assertEquals("Ac2 in /bundles/c2 with 3 and opts", ask(start("c2")), "and the next request is served");
        }
    }

    @Test
    void oneServerListensAtATimeAndADeadOnesSocketIsTakenOver() throws Exception {
        StartListener first = StartListener.open(path(), echo, log).orElseThrow();
        assertEquals(Optional.empty(), StartListener.open(path(), echo, log).map(l -> "second"), "a live one listens");
        first.close();
        // A dead server leaves its socket file: nothing answers on it, and the next server takes the path.
        java.nio.channels.ServerSocketChannel dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path()));
        dead.close();
        assertTrue(Files.exists(path()));
        try (StartListener next = StartListener.open(path(), echo, log).orElseThrow()) {
            assertEquals("Ac3 in /bundles/c3 with 3 and opts", ask(start("c3")));
        }
    }

    @Test
    void aNamespaceWhosePathIsTooLongHasNoStartSocket() {
        assertTrue(StartListener.path("/run/containerd/containerd.sock", "k8s.io").isPresent());
        assertEquals(Optional.empty(), StartListener.path("/run/containerd/containerd.sock", "n".repeat(100)));
    }
}
