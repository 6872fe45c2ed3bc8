package dev.wasmj.libcontainer.syscall;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The double the unit tests rely on: it records what it is told and fails only where asked. */
class RecordingSyscallsTest {

    @Test
    void recordsCallsInOrderAsReadableLines() {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.mount("proc", "/r/proc", "proc", MountFlags.NOSUID | MountFlags.NODEV | MountFlags.NOEXEC, null);
        sys.pivotRoot(".", ".");
        sys.sethostname("h");
        sys.umount2(".", MountFlags.MNT_DETACH);
        assertEquals(List.of("mount(proc, /r/proc, proc, 0xe, null)", "pivotRoot(., .)", "sethostname(h)", "umount2(., 0x2)"),
                sys.calls());
    }

    @Test
    void failsOnlyTheCallsItWasToldTo() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("mount", "/r/proc", Errno.EPERM);
        assertDoesNotThrow(() -> sys.mount("tmpfs", "/r/dev", "tmpfs", 0, null));
        SyscallException e = assertThrows(SyscallException.class, () -> sys.mount("proc", "/r/proc", "proc", 0, null));
        assertEquals(Errno.EPERM, e.errno());
        assertEquals("mount", e.call());
        assertDoesNotThrow(() -> sys.umount2("/r/proc", 0), "another call on the same path");
        assertEquals(3, sys.count(), "a failed call is recorded too");
    }

    @Test
    void fdsAreFreshAndDistinct() {
        RecordingSyscalls sys = new RecordingSyscalls();
        int[] pipe = sys.pipe();
        int fd = sys.open("/x", OpenFlags.RDWR, 0);
        assertNotEquals(pipe[0], pipe[1]);
        assertNotEquals(pipe[1], fd);
        assertEquals("open(/x, 0x2, 0)", sys.calls().get(1));
    }
}
