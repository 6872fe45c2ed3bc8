package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.oci.runtime.LinuxCapabilities;
import dev.wasmj.oci.runtime.Process;
import dev.wasmj.oci.runtime.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** exec: a second process joins the running container's namespaces, cgroup, rootfs and identity. */
class ExecTest extends ContainerTestBase {
    private final Syscalls sys = Syscalls.linux();

    @Test
    void execRunsInsideTheContainer() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo ready > /tmp/ready; sleep 1000");
        b.config().put("hostname", "exec-box");
        b.write();
        Files.writeString(b.rootfs().resolve("marker"), "only in the rootfs\n");
        Container c = Container.create(new StateStore(tmp.resolve("state")), CreateRequest.builder("exec1", b.dir()));
        try {
            c.start();
            Path out = tmp.resolve("exec.out");
            Process p = process("sh", "-c", "echo pid=$$; hostname; cat /marker; id -u; pwd; readlink /proc/self/ns/mnt");
            p.setCwd("/tmp");
            User user = new User();
            user.setUid(1000);
            user.setGid(1000);
            p.setUser(user);
            int status = runToExit(c, p, out);
            assertEquals(0, status, read(out));
            List<String> lines = Files.readAllLines(out);
            int pid = Integer.parseInt(lines.get(0).substring(4));
            assertTrue(pid > 1 && pid < 100, "a pid of the container's pid namespace: " + lines);
            assertEquals("exec-box", lines.get(1));
            assertEquals("only in the rootfs", lines.get(2));
            assertEquals("1000", lines.get(3));
            assertEquals("/tmp", lines.get(4));
            assertEquals(Files.readSymbolicLink(Path.of("/proc/" + c.pid() + "/ns/mnt")).toString(), lines.get(5));
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(), lines.get(5));
        } finally {
            c.delete(true);
        }
    }

    @Test
    void exitCodeAndCapabilitiesOfTheProcessSpec() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("sleep 1000");
        Container c = Container.create(new StateStore(tmp.resolve("state")), CreateRequest.builder("exec2", b.dir()));
        try {
            c.start();
            assertEquals(3, runToExit(c, process("sh", "-c", "exit 3"), tmp.resolve("a.out")));
            Process p = process("sh", "-c", "grep CapEff /proc/self/status");
            LinuxCapabilities caps = new LinuxCapabilities();
            caps.setBounding(List.of("CAP_KILL"));
            caps.setEffective(List.of("CAP_KILL"));
            caps.setPermitted(List.of("CAP_KILL"));
            p.setCapabilities(caps);
            Path out = tmp.resolve("caps.out");
            assertEquals(0, runToExit(c, p, out));
            assertEquals("CapEff:\t0000000000000020", read(out).trim()); // CAP_KILL is bit 5
        } finally {
            c.delete(true);
        }
    }

    @Test
    void unknownProgramAndStoppedContainerAreClearErrors() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("sleep 1000");
        Container c = Container.create(new StateStore(tmp.resolve("state")), CreateRequest.builder("exec3", b.dir()));
        try {
            var notStarted = assertThrows(ContainerException.class, () -> c.exec(process("true"), 0, 1, 2));
            assertTrue(notStarted.getMessage().contains("created, not running"), notStarted.getMessage());
            c.start();
            var missing = assertThrows(ContainerException.class, () -> c.exec(process("no-such-program"), 0, 1, 2));
            assertTrue(missing.getMessage().contains("\"no-such-program\": executable file not found"), missing.getMessage());
        } finally {
            c.delete(true);
        }
    }

    private int runToExit(Container c, Process p, Path out) {
        int fd = sys.open(out.toString(), OpenFlags.WRONLY | OpenFlags.CREAT | OpenFlags.TRUNC, 0644);
        int devNull = sys.open("/dev/null", OpenFlags.RDONLY, 0);
        try {
            int pid = c.exec(p, devNull, fd, fd);
            return sys.waitpid(pid, 0).toExitStatus();
        } catch (ContainerException e) {
            throw new AssertionError(e.getMessage(), e);
        } finally {
            sys.close(fd);
            sys.close(devNull);
        }
    }

    private static Process process(String... args) {
        Process p = new Process();
        p.setArgs(List.of(args));
        p.setEnv(List.of("PATH=/bin"));
        p.setCwd("/");
        return p;
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? Files.readString(p) : "";
    }
}
