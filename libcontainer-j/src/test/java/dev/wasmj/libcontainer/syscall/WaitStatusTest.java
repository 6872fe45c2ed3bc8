package dev.wasmj.libcontainer.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Statuses as the kernel reports them (real children of this JVM), and the shell's exit-status convention. */
class WaitStatusTest {
    private static final String BUSYBOX = "/bin/busybox";
    private static final int WUNTRACED = 2;

    private final Syscalls sys = Syscalls.linux();
    private final List<Integer> children = new ArrayList<>();

    @BeforeEach
    void needsBusybox() {
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX);
    }

    @AfterEach
    void reapLeftovers() {
        for (int pid : children) {
            try {
                sys.kill(pid, Signals.SIGKILL);
                sys.waitpid(pid, 0);
            } catch (SyscallException ignored) {
                // already reaped
            }
        }
    }

    private int start(String script) {
        int devNull = sys.open("/dev/null", OpenFlags.RDWR, 0);
        try {
            int pid = sys.spawn(SpawnRequest.builder(BUSYBOX).argv(List.of("sh", "-c", script))
                    .fd(0, devNull).fd(1, devNull).fd(2, devNull).build());
            children.add(pid);
            return pid;
        } finally {
            sys.close(devNull);
        }
    }

    private WaitStatus reap(int pid) {
        WaitStatus s = sys.waitpid(pid, 0);
        children.remove(Integer.valueOf(pid));
        return s;
    }

    @Test
    void exitThreeIsRawThreeHundredHex() {
        int pid = start("exit 3");
        WaitStatus s = reap(pid);
        assertEquals(pid, s.pid());
        assertEquals(0x0300, s.raw());
        assertTrue(s.exited());
        assertFalse(s.signaled());
        assertEquals(3, s.exitCode());
        assertEquals(3, s.toExitStatus());
        assertEquals("exited with 3", s.toString());
    }

    @Test
    void exitZeroAndTheLargestExitCode() {
        WaitStatus ok = reap(start("exit 0"));
        assertTrue(ok.exited());
        assertEquals(0, ok.toExitStatus());
        WaitStatus max = reap(start("exit 255"));
        assertTrue(max.exited());
        assertEquals(255, max.exitCode());
        assertEquals(255, max.toExitStatus());
    }

    @Test
    void killedBySigkillIsRawNineAndExitStatus137() {
        int pid = start("exec sleep 600");
        sys.kill(pid, Signals.SIGKILL);
        WaitStatus s = reap(pid);
        assertEquals(9, s.raw());
        assertTrue(s.signaled());
        assertFalse(s.exited());
        assertEquals(Signals.SIGKILL, s.termSignal());
        assertEquals(137, s.toExitStatus());
        assertEquals("killed by SIGKILL", s.toString());
    }

    @Test
    void killedBySigtermIsExitStatus143() {
        int pid = start("exec sleep 600");
        sys.kill(pid, Signals.SIGTERM);
        WaitStatus s = reap(pid);
        assertTrue(s.signaled());
        assertEquals(Signals.SIGTERM, s.termSignal());
        assertEquals(143, s.toExitStatus());
    }

    @Test
    void aStoppedChildIsNeitherExitedNorKilled() {
        int pid = start("exec sleep 600");
        sys.kill(pid, Signals.SIGSTOP);
        WaitStatus stopped = sys.waitpid(pid, WUNTRACED);
        assertEquals(0x7f, stopped.raw() & 0xff, "a stop is reported as 0x7f with the signal above it");
        assertEquals(Signals.SIGSTOP, stopped.exitCode(), "WSTOPSIG shares the bits of the exit code");
        assertFalse(stopped.exited());
        assertFalse(stopped.signaled());
        sys.kill(pid, Signals.SIGKILL);
        WaitStatus killed = reap(pid);
        assertTrue(killed.signaled());
        assertEquals(Signals.SIGKILL, killed.termSignal());
    }

    @Test
    void wnohangOnARunningChildFindsNothing() {
        int pid = start("exec sleep 600");
        assertNull(sys.waitpid(pid, Syscalls.WNOHANG));
        sys.kill(pid, Signals.SIGKILL);
        assertTrue(reap(pid).signaled());
    }

    /** The kernel's encoding (wait(2)): low 7 bits the signal, 0x80 a core dump, the exit code above. */
    @Test
    void decodesACoreDumpingSignal() {
        WaitStatus aborted = new WaitStatus(1, 0x80 | 6);
        assertTrue(aborted.signaled());
        assertFalse(aborted.exited());
        assertEquals(6, aborted.termSignal());
        assertEquals(134, aborted.toExitStatus());
        assertEquals("killed by SIGABRT", aborted.toString());
    }

    @Test
    void continuedAndStoppedStatusesAreNeitherExitsNorSignals() {
        WaitStatus continued = new WaitStatus(1, 0xffff);
        WaitStatus stopped = new WaitStatus(1, (19 << 8) | 0x7f);
        org.junit.jupiter.api.Assertions.assertFalse(continued.signaled(), "WIFCONTINUED is not WIFSIGNALED");
        org.junit.jupiter.api.Assertions.assertFalse(continued.exited());
        org.junit.jupiter.api.Assertions.assertFalse(stopped.signaled());
        org.junit.jupiter.api.Assertions.assertFalse(stopped.exited());
    }
}
