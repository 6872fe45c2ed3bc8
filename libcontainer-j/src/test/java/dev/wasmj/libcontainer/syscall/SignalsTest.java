package dev.wasmj.libcontainer.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignalsTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "SIGTERM", "term", "sigterm", "SigTerm", "15", " TERM ", "15 "})
    void theUsualSpellingsOfTermAreOneSignal(String text) {
        assertEquals(Signals.SIGTERM, Signals.parse(text));
    }

    @Test
    void namesAndNumbersOfTheCommonSignals() {
        assertEquals(Signals.SIGKILL, Signals.parse("KILL"));
        assertEquals(Signals.SIGKILL, Signals.parse("9"));
        assertEquals(Signals.SIGHUP, Signals.parse("SIGHUP"));
        assertEquals(Signals.SIGINT, Signals.parse("int"));
        assertEquals(Signals.SIGUSR1, Signals.parse("USR1"));
        assertEquals(Signals.SIGUSR2, Signals.parse("SIGUSR2"));
        assertEquals(Signals.SIGCHLD, Signals.parse("CHLD"));
        assertEquals(Signals.SIGWINCH, Signals.parse("WINCH"));
        assertEquals(Signals.SIGSTOP, Signals.parse("STOP"));
        assertEquals(Signals.SIGCONT, Signals.parse("CONT"));
        assertEquals(6, Signals.parse("IOT"), "IOT is an alias of ABRT");
        assertEquals(Signals.parse("ABRT"), Signals.parse("IOT"));
        assertEquals(Signals.parse("IO"), Signals.parse("POLL"));
    }

    @Test
    void realtimeSignalsCountFromBothEnds() {
        int rtmin = Signals.parse("RTMIN");
        int rtmax = Signals.parse("RTMAX");
        assertEquals(64, rtmax, "Linux has 64 signals");
        assertTrue(rtmin > 31 && rtmin < rtmax, "RTMIN is above the standard signals: " + rtmin);
        assertEquals(rtmin + 3, Signals.parse("RTMIN+3"));
        assertEquals(rtmin + 3, Signals.parse("SIGRTMIN+3"));
        assertEquals(rtmax - 2, Signals.parse("rtmax-2"));
        assertEquals(rtmin, Signals.parse("RTMIN+0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "65", "-1", "NOPE", "SIG", "SIGNOPE", "RTMIN+31", "RTMAX-31", "RTMIN+x", "9x", "RTMIN-1", "RTMAX+1"})
    void nonsenseIsRefusedWithTheTextInTheMessage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse(text));
        assertTrue(e.getMessage().contains(text.trim()), e.getMessage());
    }

    @Test
    void namesAreTheKernelsWithTheSigPrefix() {
        assertEquals("SIGTERM", Signals.name(Signals.SIGTERM));
        assertEquals("SIGKILL", Signals.name(9));
        assertEquals("SIGWINCH", Signals.name(Signals.SIGWINCH));
        assertTrue(Signals.name(Signals.parse("RTMIN+2")).startsWith("SIGRTMIN"));
        assertEquals("signal 99", Signals.name(99));
        assertEquals("signal 0", Signals.name(0));
    }

    @Test
    void everyNamedSignalParsesBackFromItsName() {
        for (int n = 1; n <= 64; n++) {
            String name = Signals.name(n);
            if (name.startsWith("signal ")) continue; // 32 and 33 belong to the C library
            assertEquals(n, Signals.parse(name), name);
        }
    }

    /** Busybox's {@code kill -l} is an independent table of this platform's signals (from its C headers). */
    @Test
    void numbersAgreeWithTheCLibrarysTable() throws Exception {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX);
        Process p = new ProcessBuilder(BUSYBOX.toString(), "kill", "-l").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, Integer> table = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\d+)\\)\\s*([A-Z0-9+\\-]+)").matcher(out);
        while (m.find()) table.put(m.group(2), Integer.parseInt(m.group(1)));
        assertTrue(table.size() >= 31, "kill -l listed " + table);
        for (Map.Entry<String, Integer> e : table.entrySet()) {
            assertEquals(e.getValue(), Signals.parse(e.getKey()), e.getKey());
        }
        for (String standard : List.of("HUP", "INT", "QUIT", "KILL", "USR1", "USR2", "PIPE", "ALRM", "TERM", "CHLD",
                "CONT", "STOP", "WINCH")) {
            assertTrue(table.containsKey(standard), standard + " missing from " + table);
        }
    }

    /** The parsed number is the one the kernel delivers: a child that reports what killed it. */
    @Test
    void aParsedSignalKillsWithThatSignal() throws IOException {
        assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX);
        Syscalls sys = Syscalls.linux();
        for (String name : List.of("USR1", "SIGHUP", "term", "RTMIN+1")) {
            int devNull = sys.open("/dev/null", OpenFlags.RDWR, 0);
            int pid;
            try {
                pid = sys.spawn(SpawnRequest.builder(BUSYBOX.toString())
                        .argv(List.of("busybox", "sleep", "600"))
                        .fd(0, devNull).fd(1, devNull).fd(2, devNull).build());
            } finally {
                sys.close(devNull);
            }
            sys.kill(pid, Signals.parse(name));
            WaitStatus status = sys.waitpid(pid, 0);
            assertTrue(status.signaled(), name + ": " + status);
            assertEquals(Signals.parse(name), status.termSignal(), name);
            assertFalse(status.exited());
        }
    }
}
