package dev.wasmj.shim.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.log.ShimLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shim's side of a process on a terminal, with a real pty and containerd-like FIFOs. */
class TerminalIoTest {
    private final Syscalls sys = Syscalls.linux();
    private final ShimLog log = new ShimLog(new PrintStream(OutputStream.nullOutputStream()), true, Map.of());

    @TempDir
    Path dir;

    private String readSome(int fd) {
        assertTrue(sys.poll(fd, Syscalls.POLLIN, 5000) != 0, "something to read");
        byte[] b = new byte[256];
        int n = sys.read(fd, b, 0, b.length);
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private void write(int fd, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        sys.write(fd, b, 0, b.length);
    }

    @Test
    void inputGoesToTheProcessOutputToTheFifoAndTheOutputIsDrainedWhenTheProcessEnds() throws Exception {
        String stdin = dir.resolve("stdin").toString();
        String stdout = dir.resolve("stdout").toString();
        sys.mkfifo(stdin, 0600);
        sys.mkfifo(stdout, 0600);
        int[] pty = sys.openpty();
        int slave = pty[1];
        TerminalIo io = TerminalIo.start(sys, log, "c1", pty[0], stdin, stdout);
        int reader = sys.open(stdout, OpenFlags.RDONLY | OpenFlags.NONBLOCK, 0); // containerd's side
        int writer = sys.open(stdin, OpenFlags.WRONLY, 0);
        try {
            write(writer, "typed\n");
            assertTrue(readSome(slave).contains("typed"), "the process reads what was typed");
            io.closeInput(); // CloseIO{stdin}
            Thread.sleep(500); // the input copy notices within its poll interval
            try {
                write(writer, "after close\n");
            } catch (dev.wasmj.libcontainer.syscall.SyscallException e) {
                assertEquals(dev.wasmj.libcontainer.syscall.Errno.EPIPE, e.errno(), "the shim let go of the FIFO");
            }
            assertEquals(0, sys.poll(slave, Syscalls.POLLIN, 500), "nothing typed after CloseIO reaches the process");
            write(slave, "shown");
            String out = "";
            while (!out.contains("shown")) out += readSome(reader);
            assertFalse(io.awaitOutput(Duration.ofMillis(300)), "the process still holds its terminal");
            sys.close(slave); // the process ends
            assertTrue(io.awaitOutput(Duration.ofSeconds(5)), "the output copy ends once the slave is closed");
            assertFalse(io.resize(30, 100), "no terminal to resize any more");
            io.close();
        } finally {
            sys.close(reader);
            sys.close(writer);
        }
    }

    @Test
    void closeWithoutAWriterEverComingLeavesNoThread() throws Exception {
        String stdin = dir.resolve("stdin").toString();
        sys.mkfifo(stdin, 0600);
        int[] pty = sys.openpty();
        TerminalIo io = TerminalIo.start(sys, log, "c2", pty[0], stdin, "");
        Thread.sleep(100);
        io.close();
        sys.close(pty[1]);
        Thread.sleep(600);
        assertEquals(0, Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().endsWith("-c2")).count(),
                "the copies of c2 have ended");
    }
}
