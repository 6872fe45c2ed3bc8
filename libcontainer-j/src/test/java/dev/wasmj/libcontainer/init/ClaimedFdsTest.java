package dev.wasmj.libcontainer.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.syscall.RecordingSyscalls;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pre-started init's side of its claim: each fd to its slot, unused start and console slots closed, the tree attached. */
class ClaimedFdsTest {
    @Test
    void eachFdGoesToItsSlotAndUnusedSlotsAreClosed() {
        RecordingSyscalls sys = new RecordingSyscalls().receivesFds(new int[] {40, 41, 42, 43, 44}, "1,2,4,5,6");
        assertNotNull(ClaimedFds.await(sys));
        List<String> calls = sys.calls();
        for (String expected : List.of("dup2(40, 1)", "close(40)", "dup2(41, 2)", "dup2(42, 4)", "dup2(43, 5)", "dup2(44, 6)",
                "close(7)", "close(8)", "close(9)")) {
            assertTrue(calls.contains(expected), expected + " in " + calls);
        }
        assertEquals(0, sys.callsStartingWith("moveMount").size());
    }

    @Test
    void aMountTreeThatCameAlongIsAttachedAtItsPathAndClosed() {
        RecordingSyscalls sys = new RecordingSyscalls().receivesFds(new int[] {40, 41, 42, 43, 44, 45, 46, 47},
                "1,2,4,5,6,7,8|/run/c/rootfs");
        assertNotNull(ClaimedFds.await(sys));
        assertTrue(sys.calls().contains("moveMount(47, /run/c/rootfs)"), sys.calls().toString());
        assertTrue(sys.calls().contains("close(47)"));
        assertTrue(sys.calls().contains("dup2(46, 8)"));
        assertFalse(sys.calls().contains("close(7)"), "the start gate is the container's");
        assertTrue(sys.calls().contains("close(9)"), "no console socket: its slot is closed");
    }

    @Test
    void aSandboxsNetworkNamespaceIsJoinedByThisThreadBeforeTheTreeIsAttached() {
        RecordingSyscalls sys = new RecordingSyscalls().receivesFds(new int[] {40, 41, 42, 43, 44, 45, 46},
                "1,2,4,5,6+net|/run/c/rootfs");
        assertTrue(ClaimedFds.await(sys).joinsNetwork());
        List<String> calls = sys.calls();
        assertTrue(calls.contains("setns(45, 0x40000000)"), calls.toString());
        assertTrue(calls.indexOf("close(45)") > calls.indexOf("setns(45, 0x40000000)"));
        assertTrue(calls.contains("moveMount(46, /run/c/rootfs)"), calls.toString());
    }

    @Test
    void theRuntimeClosingTheSocketIsNoClaim() {
        RecordingSyscalls sys = new RecordingSyscalls();
        assertNull(ClaimedFds.await(sys));
        assertEquals(0, sys.callsStartingWith("dup2").size());
    }

    @Test
    void aClaimWithTooFewFdsIsRefused() {
        RecordingSyscalls sys = new RecordingSyscalls().receivesFds(new int[] {40}, "1,2");
        assertThrows(IllegalStateException.class, () -> ClaimedFds.await(sys));
    }
}
