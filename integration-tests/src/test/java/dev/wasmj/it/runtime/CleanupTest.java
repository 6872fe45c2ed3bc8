package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.it.support.HostSnapshot;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Many create/start/delete cycles leave no mount, cgroup, process, zombie or state directory. */
class CleanupTest extends ContainerTestBase {
    static final String CGROUP_PREFIX = "/wasmj-it-cleanup";

    @AfterAll
    static void removeCgroupPrefix() {
        HostSnapshot.removeCgroupPrefix(CGROUP_PREFIX);
    }
    static final int CYCLES = 50;

    @Test
    void fiftyCyclesLeaveNothingBehind() throws Exception {
        StateStore store = new StateStore(tmp.resolve("state"));
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo cycle > /dev/null; sleep 0.01");
        b.linux().put("cgroupsPath", CGROUP_PREFIX + "/c");
        b.write();
        HostSnapshot before = HostSnapshot.take(CGROUP_PREFIX);
        for (int i = 0; i < CYCLES; i++) {
            Container c = Container.create(store, CreateRequest.builder("cycle-" + i, b.dir()));
            c.start();
            // Half of them are deleted while running, half after they exited.
            if (i % 2 == 0) {
                assertEquals(0, c.waitForExit());
                c.delete(false);
            } else {
                c.delete(true);
            }
        }
        HostSnapshot after = HostSnapshot.take(CGROUP_PREFIX);
        assertEquals(before.mounts(), after.mounts(), "mounts");
        assertEquals(before.cgroups(), after.cgroups(), "cgroups");
        assertEquals(before.initProcesses(), after.initProcesses(), "init processes");
        assertEquals(before.zombies(), after.zombies(), "zombies");
        assertTrue(store.ids().isEmpty(), "state directories: " + store.ids());
        try (var s = Files.list(store.root())) {
            assertEquals(0, s.count(), "nothing else in the state root");
        }
    }
}
