package dev.wasmj.it.shim;

import static dev.wasmj.it.shim.ShimFixture.RUNTIME;
import static dev.wasmj.it.shim.ShimFixture.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.support.RootOnly;
import dev.wasmj.it.support.ShimServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers of one pod (the CRI sandbox-id annotation) share one shim server, which exits once the last
 * of them is deleted; containers of no pod get a server each.
 */
class ShimGroupingTest {
    private static final String SANDBOX = "io.kubernetes.cri.sandbox-id";

    @TempDir
    Path tmp;

    @Test
    void aPodSharesOneShimThatExitsWithItsLastContainer() throws Exception {
        RootOnly.check();
        try (Containerd containerd = ShimFixture.containerd()) {
            Ctr ctr = containerd.ctr("group-it");
            String image = ShimFixture.busybox(ctr, tmp);
            for (String id : new String[] {"pod-a", "pod-b"}) {
                ctr.run("run", "-d", "--runtime", RUNTIME, "--annotation", SANDBOX + "=pod1", image, id, "sleep", "1000")
                        .orFail("run " + id);
                awaitStatus(ctr, id, "RUNNING");
            }
            ctr.run("run", "-d", "--runtime", RUNTIME, image, "alone", "sleep", "1000").orFail("run alone");
            awaitStatus(ctr, "alone", "RUNNING");

            Map<String, java.util.List<Long>> servers = servers(containerd);
            assertEquals(2, servers.size(), "one server for the pod, one for the other container: " + servers);
            String podAddress = Files.readString(containerd.bundle("group-it", "pod-a").resolve("address"));
            assertEquals(podAddress, Files.readString(containerd.bundle("group-it", "pod-b").resolve("address")));

            remove(ctr, "pod-a");
            assertEquals(2, servers(containerd).size(), "the pod's server stays for pod-b");
            assertEquals(0, ctr.run("task", "exec", "--exec-id", "still", "pod-b", "true").exitCode(),
                    "and still serves it");
            remove(ctr, "pod-b");
            remove(ctr, "alone");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && !servers(containerd).isEmpty()) Thread.sleep(100);
            assertTrue(servers(containerd).isEmpty(), "every server exited: " + servers(containerd));
            assertTrue(Containerd.mountsUnder(containerd.state()).isEmpty(), "no rootfs left mounted");
        }
    }

    /** The shim servers of this containerd, by the socket each serves, with their JVMs. */
    private static Map<String, java.util.List<Long>> servers(Containerd containerd) {
        return ShimServers.in(containerd.address().getParent().resolve("s"));
    }

    private static void remove(Ctr ctr, String id) throws InterruptedException {
        ctr.run("task", "kill", "-s", "SIGKILL", id).orFail("kill " + id);
        awaitStatus(ctr, id, "STOPPED");
        ctr.run("task", "delete", id).orFail("task delete " + id);
        ctr.run("container", "delete", id).orFail("container delete " + id);
    }
}
