package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.oci.runtime.Process;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A user namespace with mappings (Kubernetes' hostUsers: false): the container's root is root inside and an
 * unprivileged uid on the host. A JVM cannot create one (a multithreaded process may not); the spawn does, in
 * two stages, while the runtime writes the maps.
 */
class UserNamespaceTest extends ContainerTestBase {
    static final int HOST_ROOT = 100000;
    private final Syscalls sys = Syscalls.linux();

    @Test
    void theContainersRootIsAMappedUidOnTheHostAndItsFilesShowIt() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        chownTree(shared, HOST_ROOT);
        BusyboxBundle b = userNamespaced(shared, "sh", "-c", "id -u; id -g; cat /proc/self/uid_map; touch /shared/made-inside && echo made");

        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "userns");

        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("0\n0\n         0     " + HOST_ROOT + "      65536\nmade\n", r.stdout(), r.toString());
        Path made = shared.resolve("made-inside");
        assertEquals(HOST_ROOT, Files.getAttribute(made, "unix:uid", LinkOption.NOFOLLOW_LINKS), "owner on the host");
        assertEquals(HOST_ROOT, Files.getAttribute(made, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    }

    /** exec joins the user namespace too: inside it is the namespace's root, not the host's. */
    @Test
    void anExecdProcessIsInTheContainersUserNamespace() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared-exec"));
        chownTree(shared, HOST_ROOT);
        BusyboxBundle b = userNamespaced(shared, "sleep", "1000");
        StateStore store = new StateStore(tmp.resolve("state"));
        Container c = Container.create(store, CreateRequest.builder("userns-exec", b.dir()));
        try {
            c.start();
            Process p = new Process();
            p.setArgs(List.of("sh", "-c", "touch /shared/by-exec; cat /proc/self/uid_map"));
            p.setEnv(List.of("PATH=/bin"));
            p.setCwd("/");
            Path out = tmp.resolve("exec.out");
            int fd = sys.open(out.toString(), OpenFlags.WRONLY | OpenFlags.CREAT | OpenFlags.TRUNC, 0644);
            int pid;
            try {
                pid = c.exec(p, fd, fd, fd);
            } finally {
                sys.close(fd);
            }
            assertEquals(0, sys.waitpid(pid, 0).toExitStatus(), Files.readString(out));
            assertEquals("         0     " + HOST_ROOT + "      65536\n", Files.readString(out));
            assertEquals(HOST_ROOT, Files.getAttribute(shared.resolve("by-exec"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } finally {
            c.delete(true);
        }
    }

    /** A busybox bundle in a user namespace (0 -> HOST_ROOT, 65536 ids) with {@code shared} bound at /shared. */
    private BusyboxBundle userNamespaced(Path shared, String... args) throws IOException {
        BusyboxBundle b = BusyboxBundle.create(tmp, args);
        b.linux().withArray("namespaces").addObject().put("type", "user");
        b.linux().putArray("uidMappings").addObject().put("containerID", 0).put("hostID", HOST_ROOT).put("size", 65536);
        b.linux().putArray("gidMappings").addObject().put("containerID", 0).put("hostID", HOST_ROOT).put("size", 65536);
        ArrayNode mounts = (ArrayNode) b.config().get("mounts");
        ObjectNode bind = mounts.addObject().put("destination", "/shared").put("type", "bind").put("source", shared.toString());
        bind.putArray("options").add("rbind").add("rw");
        b.write();
        Files.createDirectories(b.rootfs().resolve("shared"));
        // What ctr --uidmap does to the image (WithRemappedSnapshot).
        chownTree(b.rootfs(), HOST_ROOT);
        // The mapped root reaches its rootfs through the bundle's path, as with runc.
        for (Path p = b.dir(); p.startsWith(tmp); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        return b;
    }

    private static void chownTree(Path root, int id) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.toList()) {
                Files.setAttribute(p, "unix:uid", id, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", id, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }
}
