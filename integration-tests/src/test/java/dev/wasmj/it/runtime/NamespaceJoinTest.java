package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A container joins another's namespaces by path: network, ipc and uts (as a pod's containers join the pause
 * container), and mount (it sees the other's files); and a container may have no mount namespace at all.
 */
class NamespaceJoinTest extends ContainerTestBase {
    private final Syscalls sys = Syscalls.linux();

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

    /** runc, crun and youki run it: the second container sees the first's files, from the first's root. */
    @Test
    void aContainerJoinsAnotherContainersMountNamespace() throws Exception {
        StateStore store = new StateStore(tmp.resolve("state"));
        BusyboxBundle first = BusyboxBundle.create(tmp).shell("echo only in the first > /tmp/marker; sleep 1000");
        Container owner = Container.create(store, CreateRequest.builder("owner", first.dir()));
        Container joined = null;
        try {
            owner.start();
            int pid = owner.pid();
            Path marker = first.rootfs().resolve("tmp/marker");
            for (int i = 0; i < 500 && !Files.exists(marker); i++) Thread.sleep(10);
            // It also joins the first's pid namespace, so that the first's /proc shows it.
            BusyboxBundle second = BusyboxBundle.create(tmp).shell("cat /tmp/marker; readlink /proc/self/ns/mnt");
            ArrayNode namespaces = second.linux().putArray("namespaces");
            namespaces.addObject().put("type", "mount").put("path", "/proc/" + pid + "/ns/mnt");
            namespaces.addObject().put("type", "pid").put("path", "/proc/" + pid + "/ns/pid");
            second.write();
            Path out = tmp.resolve("joined.out");
            int outFd = sys.open(out.toString(), OpenFlags.WRONLY | OpenFlags.CREAT | OpenFlags.TRUNC, 0644);
            try {
                joined = Container.create(store, CreateRequest.builder("joined", second.dir()).stdio(0, outFd, outFd));
            } finally {
                sys.close(outFd);
            }
            joined.start();
            assertEquals(0, joined.waitForExit());
            assertEquals(List.of("only in the first", Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString()),
                    Files.readAllLines(out), "the first's files and mount namespace, not its own rootfs");
            assertFalse(Files.exists(second.rootfs().resolve("tmp/marker")));
        } finally {
            // The joined container first: it is in the owner's pid namespace, whose PID 1 cannot finish dying
            // while a process of that namespace waits to be reaped.
            if (joined != null) joined.delete(true);
            owner.delete(true);
        }
    }

    /** Without a mount entry the container shares the runtime's mount namespace: no rootfs switch, as runc does. */
    @Test
    void aContainerWithoutAMountNamespaceSharesTheRuntimes() throws Exception {
        StateStore store = new StateStore(tmp.resolve("state"));
        Path seen = tmp.resolve("seen-from-the-container");
        BusyboxBundle b = BusyboxBundle.create(tmp, "/bin/busybox", "sh", "-c",
                "readlink /proc/self/ns/mnt > " + seen + "; test -x /bin/busybox && echo host files >> " + seen);
        ArrayNode namespaces = b.linux().putArray("namespaces");
        namespaces.addObject().put("type", "pid");
        namespaces.addObject().put("type", "uts");
        b.write();
        // Its own mounts and masked paths cannot apply in the runtime's mount namespace: refused by name.
        ContainerException refused = assertThrows(ContainerException.class,
                () -> Container.create(store, CreateRequest.builder("no-mnt", b.dir())));
        assertEquals("config.json: mounts: cannot apply without a mount namespace (the container shares the runtime's"
                + " mounts); remove it, or add a \"mount\" entry to linux.namespaces", refused.getMessage());
        b.config().putArray("mounts");
        b.linux().remove(List.of("maskedPaths", "readonlyPaths", "devices"));
        b.write();
        Container c = Container.create(store, CreateRequest.builder("no-mnt", b.dir()));
        c.start();
        assertEquals(0, c.waitForExit());
        c.delete(false);
        List<String> lines = Files.readAllLines(seen);
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(), lines.get(0));
        assertEquals("host files", lines.get(1), "it wrote to the host's " + tmp + ": no rootfs switch");
    }
}
