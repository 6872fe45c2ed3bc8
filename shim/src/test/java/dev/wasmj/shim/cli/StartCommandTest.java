package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.shim.task.ShimGroup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartCommandTest {

    @Test
    void containerd16GetsTheBareAddress() {
        assertEquals("unix:///run/x", StartCommand.bootstrap("unix:///run/x", null));
    }

    @Test
    void containerd17GetsVersion2AndNewerGet3() {
        assertEquals("{\"version\":2,\"address\":\"unix:///run/x\",\"protocol\":\"ttrpc\"}",
                StartCommand.bootstrap("unix:///run/x", "2"));
        assertEquals("{\"version\":3,\"address\":\"unix:///run/x\",\"protocol\":\"ttrpc\"}",
                StartCommand.bootstrap("unix:///run/x", "3"));
        assertTrue(StartCommand.bootstrap("unix:///run/x", "7").contains("\"version\":3"));
    }

    @Test
    void socketIsSharedByAGroupAndSeparatePerContainerdInstance() {
        Path a = ShimSocket.path("/tmp/t1/containerd.sock", "ns", "pod1");
        assertEquals(a, ShimSocket.path("/tmp/t1/containerd.sock", "ns", "pod1"));
        assertNotEquals(a, ShimSocket.path("/tmp/t2/containerd.sock", "ns", "pod1"));
        assertNotEquals(a, ShimSocket.path("/tmp/t1/containerd.sock", "ns", "pod2"));
        assertEquals(Path.of("/tmp/t1/s"), a.getParent());
    }

    @Test
    void tooLongASocketPathFallsBackToRunContainerd() {
        String deep = "/tmp/" + "d".repeat(80) + "/containerd.sock";
        Path p = ShimSocket.path(deep, "ns", "g");
        assertTrue(p.toString().length() <= ShimSocket.MAX_PATH, p.toString());
        assertEquals(Path.of("/run/containerd/s"), p.getParent());
    }

    @Test
    void sandboxAnnotationIsFoundInTheConfigText() {
        String config = "{\"annotations\": {\"io.kubernetes.cri.container-type\": \"container\",\n"
                + "  \"io.kubernetes.cri.sandbox-id\" : \"4f2a\\\"x\"}, \"process\": {}}";
        assertEquals("4f2a\"x", ShimGroup.sandboxId(config));
        assertEquals(null, ShimGroup.sandboxId("{\"annotations\": {}}"));
    }

    @Test
    void twoStartsOfOneGroupAtOnceLaunchOneServerAndBothAnswerItsAddress(@TempDir Path tmp) throws Exception {
        Path containerdSocket = tmp.resolve("containerd.sock");
        List<Path> launched = Collections.synchronizedList(new ArrayList<>());
        List<ServerSocketChannel> servers = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch bothStarted = new CountDownLatch(2);
        // A server whose JVM takes a while to bind: without the start lock, the second start finds no server
        // either, unlinks the first one's socket and launches a second server.
        List<String> lockedWhileLaunching = Collections.synchronizedList(new ArrayList<>());
        StartCommand.ServerLauncher slowServer = (shimArgs, bundle, socket) -> {
            launched.add(socket);
            lockedWhileLaunching.add(fileLockHeld(socket));
            sleep(300);
            ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            servers.add(server);
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (String id : List.of("app", "sidecar")) {
                Path bundle = Files.createDirectories(tmp.resolve(id));
                Files.writeString(bundle.resolve("config.json"),
                        "{\"annotations\": {\"" + ShimGroup.SANDBOX_ANNOTATION + "\": \"pod1\"}}");
                ShimArgs args = ShimArgs.parse(new String[] {"-namespace", "k8s.io", "-address", containerdSocket.toString(),
                        "-id", id, "-bundle", bundle.toString(), "start"});
                answers.add(pool.submit(() -> {
                    bothStarted.countDown();
                    bothStarted.await();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    new StartCommand(args, slowServer, Map.of()).run(new byte[0], new PrintStream(out, true, StandardCharsets.UTF_8));
                    return out.toString(StandardCharsets.UTF_8);
                }));
            }
            String first = answers.get(0).get(10, TimeUnit.SECONDS);
            assertEquals(first, answers.get(1).get(10, TimeUnit.SECONDS));
            assertEquals(1, launched.size(), "one server for the pod: " + launched);
            assertEquals(List.of("held"), lockedWhileLaunching, "the group's byte of the lock file, for other processes");
            assertEquals("unix://" + launched.get(0), first);
        } finally {
            pool.shutdownNow();
            for (ServerSocketChannel server : servers) server.close();
        }
    }

    @Test
    void aStandbysRehearsalOfStartLeavesNothingBehind() throws Exception {
        java.util.function.Supplier<List<Path>> scratchDirs = () -> {
            try (java.util.stream.Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                return files.filter(f -> f.getFileName().toString().startsWith("wasmj-start-")).sorted().toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        // The syscalls it makes: listenUnix creates the socket's file (as bind does), close; nothing else.
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        dev.wasmj.libcontainer.syscall.Syscalls sockets = (dev.wasmj.libcontainer.syscall.Syscalls) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {dev.wasmj.libcontainer.syscall.Syscalls.class},
                        (proxy, method, args) -> {
                            calls.add(method.getName());
                            if (method.getName().equals("listenUnix")) {
                                Files.createFile(Path.of((String) args[0]));
                                return 42;
                            }
                            if (method.getName().equals("close")) return null;
                            throw new UnsupportedOperationException(method.getName());
                        });
        List<Path> before = scratchDirs.get();
        StartCommand.rehearse(sockets);
        assertEquals(List.of("listenUnix", "close"), calls, "it bound a socket and closed it");
        assertEquals(before, scratchDirs.get(), "its scratch directory is gone");
    }

    /** Whether this JVM holds the file lock on the group's byte (another process would then wait for it). */
    private static String fileLockHeld(Path socket) throws java.io.IOException {
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(
                socket.resolveSibling(ShimSocket.StartLock.LOCK_FILE), java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = c.tryLock(ShimSocket.StartLock.byteOf(socket), 1, false);
            if (lock != null) lock.release();
            return "not held";
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return "held";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
