package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.libcontainer.syscall.FdStreams;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** process.terminal with --console-socket: the pty master arrives over the socket, as with runc. */
class ConsoleTest extends ContainerTestBase {
    @Test
    void terminalComesOverTheConsoleSocket() throws Exception {
        Syscalls sys = Syscalls.linux();
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("tty; stty size; echo done");
        ObjectNode process = (ObjectNode) b.config().get("process");
        process.put("terminal", true);
        process.putObject("consoleSize").put("height", 33).put("width", 101);
        b.write();
        Path socket = tmp.resolve("console.sock");
        int listener = sys.listenUnix(socket.toString());
        try {
            Cli.Result created = cli.run("create", "--bundle", b.dir().toString(), "--console-socket", socket.toString(), "tty1");
            assertEquals(0, created.exitCode(), created.toString());
            int connection = sys.accept(listener);
            int master = sys.recvFd(connection);
            sys.close(connection);
            assertEquals(0, cli.run("start", "tty1").exitCode());
            String screen = readUntilClosed(FdStreams.input(sys, master)).replace("\r", "");
            assertTrue(screen.contains("/dev/pts/0\n"), "the workload's stdin is the pty: " + screen);
            assertTrue(screen.contains("33 101\n"), "consoleSize applied: " + screen);
            assertTrue(screen.contains("done\n"), screen);
        } finally {
            sys.close(listener);
            cli.run("delete", "--force", "tty1");
        }
    }

    @Test
    void terminalWithoutConsoleSocketIsRefused() {
        BusyboxBundle b = BusyboxBundle.create(tmp, "true");
        ((ObjectNode) b.config().get("process")).put("terminal", true);
        b.write();
        Cli.Result r = cli.run("create", "--bundle", b.dir().toString(), "notty");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("process.terminal is true but no console socket was given"), r.toString());
    }

    /** Reads the pty master until the slave side is gone (the kernel then reports EIO). */
    private static String readUntilClosed(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
        } catch (IOException e) {
            // EIO: every slave fd is closed, the workload has exited
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
