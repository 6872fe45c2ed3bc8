package dev.wasmj.it.support;

import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A pseudo-terminal of the test, as a user's terminal is to ctr: a program is started with the slave as its
 * stdin, stdout and stderr, and the test types on the master and reads what the program shows.
 */
public final class TestTerminal implements AutoCloseable {
    private final Syscalls sys = Syscalls.linux();
    private final int master;
    private final int slave;
    private final Path slavePath;
    private final StringBuilder seen = new StringBuilder();

    public TestTerminal(int rows, int columns) throws IOException {
        int[] pty = sys.openpty();
        master = pty[0];
        slave = pty[1];
        slavePath = Files.readSymbolicLink(Path.of("/proc/self/fd/" + slave));
        resize(rows, columns);
    }

    /**
     * Starts {@code command} on this terminal: its stdin, stdout and stderr are the slave, opened read-write as a
     * terminal's are (ProcessBuilder's redirects open stdin read-only and the others write-only, and ctr uses
     * whichever of them is a terminal both ways), in a session of its own whose controlling terminal it is.
     */
    public Process start(List<String> command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("setsid", "-c", "sh", "-c", "exec \"$@\" <>" + slavePath + " >&0 2>&0", "sh"));
        argv.addAll(command);
        return new ProcessBuilder(argv).redirectInput(slavePath.toFile()).start();
    }

    /**
     * A terminal answers a program's cursor-position query (ESC [ 6 n), as busybox's line editing sends at each
     * prompt and waits for: with the cursor at row 1, column 1.
     */
    private void answerQueries(String shown) {
        if (shown.contains("\u001b[6n")) type("\u001b[1;1R");
    }

    public void type(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int off = 0; off < bytes.length; ) off += sys.write(master, bytes, off, bytes.length - off);
    }

    /** Reads what the terminal shows until it contains {@code text}; fails with what was seen after the timeout. */
    public String await(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[4096];
        while (seen.indexOf(text) < 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) throw new AssertionError("the terminal never showed \"" + text + "\"; it showed:\n" + seen);
            if (sys.poll(master, Syscalls.POLLIN, (int) Math.min(left, 200)) == 0) continue;
            int n;
            try {
                n = sys.read(master, buffer, 0, buffer.length);
            } catch (RuntimeException e) {
                throw new AssertionError("the terminal closed (" + e.getMessage() + ") before showing \"" + text
                        + "\"; it showed:\n" + seen);
            }
            if (n <= 0) continue;
            String shown = new String(buffer, 0, n, StandardCharsets.UTF_8);
            answerQueries(shown);
            seen.append(shown);
        }
        String all = seen.toString();
        seen.delete(0, seen.indexOf(text) + text.length());
        return all;
    }

    /** The terminal's window size; the program learns it on SIGWINCH (send it, as a terminal emulator does). */
    public void resize(int rows, int columns) {
        sys.setWindowSize(master, rows, columns);
    }

    @Override
    public void close() {
        sys.close(slave);
        sys.close(master);
    }
}
