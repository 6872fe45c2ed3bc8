package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.oci.runtime.ContainerStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** kill: the signal reaches the container and its exit status says so (128 + signal). */
class SignalsTest extends ContainerTestBase {
    StateStore store;

    @BeforeEach
    void setUp() {
        store = new StateStore(tmp.resolve("state"));
    }

    /**
     * PID 1 of a pid namespace ignores signals it has no handler for, so (as with runc) a workload that
     * wants SIGTERM to end it forwards it: here the shell passes it to its child and exits with the
     * child's status, which the kernel reports as killed by SIGTERM.
     */
    @Test
    void termEndsAContainerThatForwardsIt() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("trap 'kill -TERM $child; wait $child; exit $?' TERM; "
                + "sleep 1000 & child=$!; echo ready > /tmp/ready; wait $child");
        Container c = startAndAwait(b, "term", b.rootfs().resolve("tmp/ready"));
        // busybox sh misses a trapped signal that arrives between its last command and the start of `wait` (it
        // runs the trap on the next one): as a user would, send it again until the container ends.
        dev.wasmj.libcontainer.syscall.Syscalls sys = dev.wasmj.libcontainer.syscall.Syscalls.linux();
        dev.wasmj.libcontainer.syscall.WaitStatus exit = null;
        for (int attempt = 0; attempt < 50 && exit == null; attempt++) {
            try {
                c.kill(Signals.SIGTERM, false);
            } catch (dev.wasmj.libcontainer.container.ContainerException ended) {
                // it ended just now: the next poll reaps it
            }
            for (int poll = 0; poll < 20 && exit == null; poll++) {
                Thread.sleep(10);
                exit = sys.waitpid(c.pid(), dev.wasmj.libcontainer.syscall.Syscalls.WNOHANG);
            }
        }
        assertEquals(143, exit == null ? -1 : exit.toExitStatus(), "the forwarded SIGTERM ended the container");
        assertEquals(ContainerStatus.STOPPED, c.status());
        c.delete(false);
    }

    @Test
    void killEndsAnyContainer() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo ready > /tmp/ready; sleep 1000");
        Container c = startAndAwait(b, "kill", b.rootfs().resolve("tmp/ready"));
        c.kill(Signals.SIGKILL, false);
        assertEquals(137, c.waitForExit());
        c.delete(false);
    }

    @Test
    void killAllSignalsEveryProcess() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("sleep 1000 & sleep 1000 & echo ready > /tmp/ready; wait");
        Container c = startAndAwait(b, "killall", b.rootfs().resolve("tmp/ready"));
        assertEquals(3, c.pids().size(), "sh and two sleeps");
        c.kill(Signals.SIGKILL, true);
        assertEquals(137, c.waitForExit());
        c.delete(false);
    }

    private Container startAndAwait(BusyboxBundle b, String id, Path marker) throws Exception {
        Container c = Container.create(store, CreateRequest.builder(id, b.dir()));
        c.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!java.nio.file.Files.exists(marker)) {
            if (System.nanoTime() > deadline) {
                c.delete(true);
                throw new AssertionError("container " + id + " never became ready");
            }
            Thread.sleep(10);
        }
        return c;
    }
}
