package dev.wasmj.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listening, the socket file, and shutting down. */
class ServerLifecycleTest {
    @TempDir
    Path dir;
    private final TestService service = new TestService();

    @Test
    void listenCreatesParentDirectoriesAndAnOwnerOnlySocket() throws Exception {
        Path socket = dir.resolve("run/containerd/s/abc.sock");
        try (TtrpcServer server = TtrpcServer.listen(socket, service.registry, null)) {
            assertEquals(socket, server.socket());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            try (TtrpcClient client = TtrpcClient.connect(socket)) {
                assertEquals("hi", client.call(TestService.SERVICE, "Echo", ByteString.copyFromUtf8("hi"), null, null)
                        .toStringUtf8());
            }
        }
    }

    @Test
    void aStaleSocketFileIsReplacedButALiveOneOrAnotherFileIsNot() throws Exception {
        Path socket = dir.resolve("shim.sock");
        // A server that died leaves its socket file behind (closing a unix listener does not unlink it).
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        try (TtrpcServer first = TtrpcServer.listen(socket, service.registry, null)) {
            assertEquals(socket, first.socket());
            IOException live = assertThrows(IOException.class, () -> TtrpcServer.listen(socket, service.registry, null));
            assertTrue(live.getMessage().contains("a server is listening on it"), live.getMessage());
            try (TtrpcClient client = TtrpcClient.connect(socket)) {
                assertEquals("first", client.call(TestService.SERVICE, "Echo", ByteString.copyFromUtf8("first"), null, null)
                        .toStringUtf8(), "the first server is untouched");
            }
        }
        Path regular = Files.writeString(dir.resolve("notes.txt"), "keep me");
        assertThrows(FileAlreadyExistsException.class, () -> TtrpcServer.listen(regular, service.registry, null));
        assertEquals("keep me", Files.readString(regular));
    }

    @Test
    void closeClosesConnectionsDeletesTheSocketAndIsIdempotent() throws Exception {
        Path socket = dir.resolve("shim.sock");
        TtrpcServer server = TtrpcServer.listen(socket, service.registry, null);
        TtrpcClient a = TtrpcClient.connect(socket);
        TtrpcClient b = TtrpcClient.connect(socket);
        a.call(TestService.SERVICE, "Echo", ByteString.EMPTY, null, null);
        b.call(TestService.SERVICE, "Echo", ByteString.EMPTY, null, null);
        assertEquals(2, server.openConnections());

        server.close();
        server.close();
        assertFalse(Files.exists(socket));
        assertEquals(0, server.openConnections());
        Await.until("both clients see the connection closed", () -> !a.isOpen() && !b.isOpen());
        assertThrows(IOException.class, () -> TtrpcClient.connect(socket));
        a.close();
        b.close();
    }

    @Test
    void aClientThatHangsUpIsNoLongerCounted() throws Exception {
        try (TtrpcServer server = TtrpcServer.listen(dir.resolve("s.sock"), service.registry, null)) {
            TtrpcClient client = TtrpcClient.connect(server.socket());
            client.call(TestService.SERVICE, "Echo", ByteString.EMPTY, null, null);
            assertEquals(1, server.openConnections());
            client.close();
            Await.until("the server drops the connection", () -> server.openConnections() == 0);
        }
    }

    @Test
    void everyTtrpcThreadIsANamedDaemon() throws Exception {
        try (TtrpcServer server = TtrpcServer.listen(dir.resolve("s.sock"), service.registry, null);
             TtrpcClient client = TtrpcClient.connect(server.socket())) {
            client.call(TestService.SERVICE, "Echo", ByteString.EMPTY, java.time.Duration.ofSeconds(5), null);
            Map<Thread, StackTraceElement[]> threads = Thread.getAllStackTraces();
            long ours = threads.keySet().stream().filter(t -> t.getName().startsWith("ttrpc-")).count();
            assertTrue(ours >= 4, "accept, connection, worker and client reader threads: " + threads.keySet());
            threads.keySet().stream().filter(t -> t.getName().startsWith("ttrpc-"))
                    .forEach(t -> assertTrue(t.isDaemon(), t.getName() + " is not a daemon"));
        }
    }
}
