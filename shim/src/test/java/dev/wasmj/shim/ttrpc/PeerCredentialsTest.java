package dev.wasmj.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket admits root and its owner only. The decision itself is unit-tested in {@link UnitsTest};
 * here a real second user (nobody, through setpriv) connects and is turned away.
 */
class PeerCredentialsTest {
    private static final String NOBODY = "65534";

    @TempDir
    Path dir;

    @Test
    void anotherUserIsRefusedEvenWhenTheFileModeWouldLetItIn() throws Exception {
        assumeTrue(((Integer) Files.getAttribute(dir, "unix:uid")) == 0, "needs root to switch to another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");

        Path probeClasses = copyProbe();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        CapturedLog log = new CapturedLog();
        TestService service = new TestService();
        try (TtrpcServer server = TtrpcServer.listen(dir.resolve("peer.sock"), service.registry, log)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
            // Open the file to everyone, so that only the credential check can stop nobody.
            Files.setPosixFilePermissions(server.socket(), PosixFilePermissions.fromString("rw-rw-rw-"));

            String asRoot = probe(List.of(), probeClasses, server.socket());
            assertTrue(asRoot.startsWith("answered type 2 on stream 1"), "root is served: " + asRoot);

            String asNobody = probe(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"),
                    probeClasses, server.socket());
            System.out.println("PeerCredentialsTest: probe as root: " + asRoot + "; as nobody: " + asNobody);
            assertTrue(asNobody.startsWith("closed"), "nobody is turned away: " + asNobody);
            String line = log.await("refused connection", "user nobody");
            assertTrue(line.contains("neither root nor the socket's owner root"), line);
            Await.until("no connection is left open", () -> server.openConnections() == 0);
        }
    }

    /** Copies PeerProbe.class where nobody can read it (the build tree or ~/.m2 may not be). */
    private Path copyProbe() throws IOException {
        Path classes = dir.resolve("probe");
        Path target = classes.resolve("dev/wasmj/shim/ttrpc/PeerProbe.class");
        Files.createDirectories(target.getParent());
        try (InputStream in = PeerProbe.class.getResourceAsStream("PeerProbe.class")) {
            Files.copy(in, target);
        }
        for (Path p = target; p.startsWith(dir) && !p.equals(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        return classes;
    }

    private static String probe(List<String> asUser, Path classes, Path socket) throws Exception {
        List<String> command = new ArrayList<>(asUser);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classes.toString(), PeerProbe.class.getName(), socket.toString()));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the probe did not finish: " + command);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return out + (err.isEmpty() ? "" : " [stderr: " + err + "]");
    }
}
