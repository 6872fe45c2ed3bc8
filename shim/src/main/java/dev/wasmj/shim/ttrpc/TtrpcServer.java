package dev.wasmj.shim.ttrpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * A ttrpc server on a unix socket: what containerd talks to. Every request runs on a worker of its
 * own, so a handler that blocks for minutes (task {@code Wait}) holds up nobody else, not even other
 * calls on the same connection. Bad input from one client closes that client's connection only (see
 * {@link ServerConnection}); handler failures only fail that call.
 */
public final class TtrpcServer implements AutoCloseable {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path socket;
    private final ServerSocketChannel listener;
    private final ServiceRegistry registry;
    private final Consumer<String> log;
    private final PeerCheck peers;
    private final ExecutorService workers = Executors.newCachedThreadPool(new DaemonThreads("ttrpc-worker"));
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, new DaemonThreads("ttrpc-deadline"));
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionSerial = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;

    private TtrpcServer(Path socket, ServerSocketChannel listener, ServiceRegistry registry, Consumer<String> log,
            PeerCheck peers) {
        this.socket = socket;
        this.listener = listener;
        this.registry = registry;
        this.log = log;
        this.peers = peers;
        timers.setRemoveOnCancelPolicy(true); // most calls finish long before their deadline
        this.acceptor = DaemonThreads.named("ttrpc-accept-" + socket.getFileName(), this::acceptLoop);
    }

    /**
     * Listens on {@code socket}: creates its parent directories, replaces a stale socket file (one that
     * no server answers on; a live one is an error, as is a file that is not a socket), binds, makes the
     * file 0600 and accepts on a daemon thread.
     *
     * @param log receives one line per notable event (a connection closed for malformed input, a refused
     *            peer, a handler that threw something other than {@link TtrpcException}, ...); may be null
     */
    public static TtrpcServer listen(Path socket, ServiceRegistry registry, Consumer<String> log) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(registry, "registry");
        Consumer<String> sink = log != null ? log : line -> { };
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        removeStale(socket);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        boolean bound = false;
        try {
            listener.bind(UnixDomainSocketAddress.of(socket));
            bound = true;
            // Until this chmod the umask decides; the peer check below covers that instant.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            PeerCheck peers = PeerCheck.forOwner(Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS));
            TtrpcServer server = new TtrpcServer(socket, listener, registry, sink, peers);
            server.acceptor.start();
            return server;
        } catch (IOException | RuntimeException e) {
            listener.close();
            if (bound) Files.deleteIfExists(socket);
            if (e instanceof IOException && !bound) {
                throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * Serves on a socket that another process bound and handed over, already listening (the shim's
     * {@code start} binds it so containerd can connect at once, and the server inherits it as fd 0).
     * Connections queued before this call are served.
     */
    public static TtrpcServer adopt(ServerSocketChannel listener, Path socket, ServiceRegistry registry,
            Consumer<String> log) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(registry, "registry");
        Consumer<String> sink = log != null ? log : line -> { };
        PeerCheck peers = PeerCheck.forOwner(Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS));
        TtrpcServer server = new TtrpcServer(socket, listener, registry, sink, peers);
        server.acceptor.start();
        return server;
    }

    public Path socket() {
        return socket;
    }

    public int openConnections() {
        return connections.size();
    }

    /** Stops accepting, closes every connection and deletes the socket file. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            listener.close();
        } catch (IOException e) {
            log.accept("ttrpc: closing the listener on " + socket + " failed: " + e);
        }
        for (ServerConnection connection : connections) connection.close();
        workers.shutdown(); // handlers still running finish on their own; their answers are dropped
        timers.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.accept("ttrpc: cannot delete " + socket + ": " + e);
        }
    }

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return; // close()
            } catch (IOException e) {
                if (closed.get()) return;
                // e.g. out of file descriptors: report, back off a little instead of spinning, go on
                log.accept("ttrpc: accept on " + socket + " failed: " + e);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            admit(channel);
        }
    }

    private void admit(SocketChannel channel) {
        int number = connectionSerial.incrementAndGet();
        String name = "connection " + number;
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal user = peer == null ? null : peer.user();
            Optional<String> refusal = peers.refusal(user);
            if (refusal.isPresent()) {
                log.accept("ttrpc: refused " + name + " on " + socket + ": " + refusal.get());
                channel.close();
                return;
            }
            name += " (user " + user.getName() + ")";
            ServerConnection connection = new ServerConnection(name, channel, registry, workers, timers, log,
                    connections::remove);
            connections.add(connection);
            if (closed.get()) { // close() may have gone through the set before we were in it
                connection.close();
                return;
            }
            connection.start("ttrpc-conn-" + number);
        } catch (IOException | RuntimeException e) {
            log.accept("ttrpc: dropped " + name + " on " + socket + ": " + e);
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do for a connection we never served
            }
        }
    }

    /** Removes a socket file left by a server that is gone; refuses to touch anything else. */
    private static void removeStale(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) return;
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new FileAlreadyExistsException(socket.toString(), null, "exists and is not a socket");
        }
        if (answers(socket)) throw new IOException("cannot listen on " + socket + ": a server is listening on it");
        Files.deleteIfExists(socket);
    }

    /** Whether a server accepts connections on {@code socket} now (false when nothing listens or no file). */
    public static boolean answers(Path socket) {
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(socket)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
