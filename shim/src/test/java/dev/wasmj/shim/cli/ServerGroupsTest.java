package dev.wasmj.shim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerGroupsTest {
    @TempDir
    Path tmp;

    private final AtomicLong clock = new AtomicLong();
    private final Set<String> live = new HashSet<>();

    private ServerGroups groups(int max) throws Exception {
        Path own = socket("first");
        Files.createFile(own); // stands for the server's listening socket
        return new ServerGroups(own, address(), "ns", max, () -> Set.copyOf(live), clock::get);
    }

    private String address() {
        return tmp.resolve("containerd.sock").toString();
    }

    private Path socket(String group) throws Exception {
        Path p = ShimSocket.path(address(), "ns", group);
        Files.createDirectories(p.getParent());
        return p;
    }

    @Test
    void aGroupTakenLinksItsSocketToThisServersAndTheBoundIsKept() throws Exception {
        ServerGroups groups = groups(2);
        groups.take(socket("pod1"));
        assertEquals(socket("first"), Files.readSymbolicLink(socket("pod1")), "containerd reaches this server by the group's path");
        assertTrue(groups.full());
        ServerGroups.Full full = assertThrows(ServerGroups.Full.class, () -> groups.take(socket("pod2")));
        assertTrue(full.getMessage().contains("WASMJ_SHIM_GROUPS=2"), full.getMessage());
        assertFalse(Files.exists(socket("pod2"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "nothing made for a group refused");
        groups.take(socket("pod1")); // a group already here is no new one
    }

    @Test
    void aGroupWithoutContainersGoesAfterItsGraceAndTheServerIsThenEmpty() throws Exception {
        ServerGroups groups = groups(4);
        groups.take(socket("pod1"));
        live.add("pod1");
        clock.addAndGet(ServerGroups.GRACE.toNanos() * 2);
        assertFalse(groups.sweep(ServerGroups.GRACE), "pod1 has a container");
        assertEquals(1, groups.count(), "the first group, without a container past its grace, went");
        live.clear(); // its last container went, long after its start: nothing is on the way, it goes at once
        assertTrue(groups.sweep(ServerGroups.GRACE));
        assertFalse(Files.exists(socket("pod1"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "its link is gone");
        assertTrue(Files.exists(socket("first")), "the server's own socket stays while it serves");
    }

    @Test
    void aStartAnsweredForAGroupHereRenewsItsGrace() throws Exception {
        ServerGroups groups = groups(4);
        groups.take(socket("pod1"));
        clock.addAndGet(Duration.ofSeconds(9).toNanos());
        groups.touch(socket("pod1"));
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertFalse(groups.sweep(Duration.ofSeconds(10)));
        assertEquals(1, groups.count(), "pod1 stays (touched 2 s ago), the first group went");
        groups.touch(socket("elsewhere"));
        assertEquals(1, groups.count(), "a group that is not here is not made here by a touch");
    }

    @Test
    void onExitEveryLinkGoesButOneAnotherServerMadeStays() throws Exception {
        ServerGroups groups = groups(4);
        groups.take(socket("pod1"));
        groups.take(socket("pod2"));
        Files.delete(socket("pod2"));
        Files.createSymbolicLink(socket("pod2"), tmp.resolve("another-server")); // replaced after this one hung
        groups.unlinkAll();
        assertFalse(Files.exists(socket("pod1"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSymbolicLink(socket("pod2")), "not this server's link any more: left alone");
    }

    @Test
    void theBoundComesFromContainerdsEnvironment() {
        assertEquals(ServerGroups.DEFAULT_MAX, ServerGroups.maxFrom(Map.of()));
        assertEquals(1, ServerGroups.maxFrom(Map.of(ServerGroups.MAX_ENV, "1")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerGroups.maxFrom(Map.of(ServerGroups.MAX_ENV, "0")));
        assertTrue(e.getMessage().contains("WASMJ_SHIM_GROUPS"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerGroups.maxFrom(Map.of(ServerGroups.MAX_ENV, "many")));
    }
}
