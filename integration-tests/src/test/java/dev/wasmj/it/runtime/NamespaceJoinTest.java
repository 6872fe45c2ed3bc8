package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A container joins another's network, ipc and uts namespaces by path (as a pod's containers join the pause container). */
class NamespaceJoinTest extends ContainerTestBase {
    @Test
    void secondContainerJoinsTheFirstsNamespaces() throws Exception {
        StateStore store = new StateStore(tmp.resolve("state"));
        BusyboxBundle sandbox = BusyboxBundle.create(tmp).shell("sleep 1000");
        Container pause = Container.create(store, CreateRequest.builder("sandbox", sandbox.dir()));
        try {
            pause.start();
            int pid = pause.pid();
            BusyboxBundle app = BusyboxBundle.create(tmp).shell(
                    "readlink /proc/self/ns/net > /tmp/ns; readlink /proc/self/ns/uts >> /tmp/ns; "
                            + "readlink /proc/self/ns/ipc >> /tmp/ns; readlink /proc/self/ns/mnt >> /tmp/ns; hostname >> /tmp/ns");
            ArrayNode namespaces = app.linux().putArray("namespaces");
            namespaces.addObject().put("type", "pid");
            namespaces.addObject().put("type", "mount");
            namespaces.addObject().put("type", "network").put("path", "/proc/" + pid + "/ns/net");
            namespaces.addObject().put("type", "uts").put("path", "/proc/" + pid + "/ns/uts");
            namespaces.addObject().put("type", "ipc").put("path", "/proc/" + pid + "/ns/ipc");
            app.config().put("hostname", "ignored-when-joining");
            app.write();
            Container c = Container.create(store, CreateRequest.builder("app", app.dir()));
            c.start();
            assertEquals(0, c.waitForExit());
            c.delete(false);
            var seen = Files.readAllLines(app.rootfs().resolve("tmp/ns"));
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString(), seen.get(0));
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/uts")).toString(), seen.get(1));
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/ipc")).toString(), seen.get(2));
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString(), seen.get(3),
                    "its own mount namespace");
            assertEquals("busybox-test", seen.get(4), "the joined uts namespace keeps the sandbox's hostname");
        } finally {
            pause.delete(true);
        }
    }
}
