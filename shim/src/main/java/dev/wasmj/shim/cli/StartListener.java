package dev.wasmj.shim.cli;

import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.ttrpc.PeerCheck;
import dev.wasmj.shim.ttrpc.TtrpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The start socket of the server that takes new groups in a containerd namespace ({@code s/ns-<namespace>.start}):
 * the launcher's {@code wasmj-start} hands it containerd's {@code start} request, and this server answers it
 * as {@code start} would, serving the new group itself ({@link ServerGroups}) or naming the live server of the
 * group. So a container of a namespace that already has a server starts no JVM for its shim. One server of a
 * namespace listens at a time; it stops when it is full or exits, and the next server started takes over.
 *
 * <p>The request: a 4-byte big-endian length, that many bytes of NUL-separated text (the working directory,
 * containerd's arguments, an empty field, the environment), then what containerd wrote to start's stdin,
 * to the end. The reply: one byte, {@code A} (answered: what start prints follows), {@code F} (full: the
 * launcher starts a server of its own) or {@code E} (an error message follows).
 */
final class StartListener implements AutoCloseable {
    static final int MAX_REQUEST = 1 << 20;
    static final long REQUEST_TIMEOUT_MS = 10_000;

    /** What the server does with a request. */
    interface Handler {
        /** What start prints; throws {@link ServerGroups.Full} when this server takes no more groups. */
        String start(StandbyCommand.Claim request) throws Exception;
    }

    private final Path path;
    private final ServerSocketChannel listener;
    private final Object fileKey;
    private final Handler handler;
    private final ShimLog log;
    private final PeerCheck peers;
    private volatile boolean closed;

    private StartListener(Path path, ServerSocketChannel listener, Object fileKey, Handler handler, ShimLog log,
            PeerCheck peers) {
        this.path = path;
        this.listener = listener;
        this.fileKey = fileKey;
        this.handler = handler;
        this.log = log;
        this.peers = peers;
    }

    /** Where a namespace's start socket is: beside the shims' sockets, or none if the path is too long. */
    static Optional<Path> path(String address, String namespace) {
        Path dir = address.isEmpty() ? Path.of("/run/containerd") : Path.of(address).toAbsolutePath().getParent();
        Path p = dir.resolve("s").resolve("ns-" + namespace + ".start");
        return p.toString().length() > ShimSocket.MAX_PATH ? Optional.empty() : Optional.of(p);
    }

    /** Listens on {@code path} unless a live server already does (one at a time); empty if one does. */
    static Optional<StartListener> open(Path path, Handler handler, ShimLog log) throws IOException {
        Files.createDirectories(path.getParent());
        try (ShimSocket.StartLock held = ShimSocket.StartLock.acquire(path)) {
            if (TtrpcServer.answers(path)) return Optional.empty();
            Files.deleteIfExists(path);
            ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                listener.bind(UnixDomainSocketAddress.of(path));
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
                Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                StartListener l = new StartListener(path, listener, key, handler, log,
                        PeerCheck.forOwner(Files.getOwner(path, LinkOption.NOFOLLOW_LINKS)));
                Thread t = new Thread(l::acceptLoop, "start-listener");
                t.setDaemon(true);
                t.start();
                return Optional.of(l);
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
        }
    }

    Path path() {
        return path;
    }

    boolean isOpen() {
        return !closed;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                if (!closed) log.warn("start socket " + path + ": " + e.getMessage());
                return;
            }
            Thread t = new Thread(() -> serve(channel), "start-request");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel channel) {
        // A launcher that sends nothing cannot hold a thread for good.
        Thread timeout = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(REQUEST_TIMEOUT_MS);
                closeQuietly(channel);
            } catch (InterruptedException done) {
                // answered in time
            }
        }, "start-request-timeout");
        timeout.setDaemon(true);
        timeout.start();
        try (channel) {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            Optional<String> refusal = peers.refusal(peer == null ? null : peer.user());
            if (refusal.isPresent()) {
                log.warn("start socket: refused a request: " + refusal.get());
                reply(channel, 'E', "refused: " + refusal.get());
                return;
            }
            byte[] request = readAll(channel);
            StandbyCommand.Claim claim;
            try {
                claim = decode(request);
            } catch (IllegalArgumentException e) {
                log.warn("start socket: " + e.getMessage());
                reply(channel, 'E', e.getMessage());
                return;
            }
            try {
                reply(channel, 'A', handler.start(claim));
            } catch (ServerGroups.Full e) {
                reply(channel, 'F', e.getMessage());
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                log.error("start through the start socket failed: " + message);
                reply(channel, 'E', message);
            }
        } catch (IOException e) {
            if (!closed) log.debug("start socket: a request ended early: " + e.getMessage());
        } finally {
            timeout.interrupt();
        }
    }

    private static byte[] readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
            if (all.size() + buffer.position() > MAX_REQUEST) throw new IOException("a start request over " + MAX_REQUEST + " bytes");
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return all.toByteArray();
    }

    /** The request's fields, checked: malformed input is refused with a message naming the problem. */
    static StandbyCommand.Claim decode(byte[] request) {
        if (request.length < 4) throw new IllegalArgumentException("malformed start request: " + request.length + " bytes");
        int textLength = ByteBuffer.wrap(request, 0, 4).getInt();
        if (textLength < 0 || textLength > request.length - 4) {
            throw new IllegalArgumentException("malformed start request: text length " + textLength + " of " + request.length + " bytes");
        }
        String text = new String(request, 4, textLength, StandardCharsets.UTF_8);
        byte[] options = Arrays.copyOfRange(request, 4 + textLength, request.length);
        try {
            return StandbyCommand.Claim.parse(null, text, options);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed start request: " + e.getMessage(), e);
        }
    }

    /** What {@code wasmj-start} sends (start-client.c), for the tests that stand in for it. */
    static byte[] encode(Path workingDirectory, java.util.List<String> args, java.util.Map<String, String> env, byte[] options) {
        StringBuilder text = new StringBuilder(workingDirectory.toString()).append('\0');
        for (String a : args) text.append(a).append('\0');
        text.append('\0');
        env.forEach((k, v) -> text.append(k).append('=').append(v).append('\0'));
        byte[] t = text.toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + t.length + options.length).putInt(t.length).put(t).put(options).array();
    }

    private static void reply(SocketChannel channel, char status, String body) throws IOException {
        byte[] b = (status + body).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.wrap(b);
        while (out.hasRemaining()) channel.write(out);
    }

    /** Stops taking requests; the socket file goes unless another server has bound the path since. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        closeQuietly(listener);
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(key, fileKey)) Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // gone already
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
