package dev.wasmj.it.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.support.RootOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User-namespaced containers through containerd ({@code ctr run --uidmap/--gidmap}, which also remaps the
 * image's snapshot), a native busybox and a Wasm module alike: the container's root is an unprivileged uid on
 * the host, and what it writes to a bind-mounted host directory is owned by that uid.
 */
class UserNamespaceContainersTest {
    private static final int HOST_ROOT = 200000;
    private static final List<String> MAPS = List.of("--uidmap", "0:" + HOST_ROOT + ":65536", "--gidmap", "0:" + HOST_ROOT + ":65536");

    @TempDir
    static Path tmp;
    static Containerd containerd;
    static Ctr ctr;
    static String wasmImage;
    static String busybox;
    static Path shared;

    @BeforeAll
    static void start() throws IOException {
        RootOnly.check();
        containerd = WasmFixture.containerd();
        ctr = containerd.ctr("userns");
        wasmImage = WasmFixture.probeImage(ctr, tmp);
        busybox = OciImage.busybox("docker.io/wasmj/busybox:userns").build(tmp.resolve("busybox.tar")).importInto(ctr);
        // The mapped root reaches its bundle through containerd's directories, as with runc: /run/containerd is
        // traversable on a node; this test's containerd lives in a private temp dir.
        for (Path p : List.of(containerd.dir(), containerd.dir().resolve("state"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x")); // on the way to "shared"
        shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:uid", HOST_ROOT);
        Files.setAttribute(shared, "unix:gid", HOST_ROOT);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) containerd.close();
    }

    private static List<String> options() {
        List<String> o = new java.util.ArrayList<>(MAPS);
        o.addAll(List.of("--mount", "type=bind,src=" + shared + ",dst=/shared,options=rbind:rw"));
        return o;
    }

    @Test
    void aNativeContainersRootWritesFilesOwnedByItsMappedUid() throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("run", "--rm", "--runtime", WasmFixture.RUNTIME));
        cmd.addAll(options());
        cmd.addAll(List.of(busybox, "userns-native", "sh", "-c", "id -u; cat /proc/self/uid_map; touch /shared/native"));
        Ctr.Result r = ctr.run(cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("0\n         0     " + HOST_ROOT + "      65536\n", r.stdout());
        assertOwnedByTheMappedRoot(shared.resolve("native"));
    }

    @Test
    void aWasmModulesRootWritesFilesOwnedByItsMappedUid() throws IOException {
        Ctr.Result r = ctr.run(WasmFixture.runArgs(options(), wasmImage, "userns-wasm", "/probe.wasm", "write",
                "/shared/module", "from a module").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("from a module", r.stdout());
        assertOwnedByTheMappedRoot(shared.resolve("module"));

        Ctr.Result map = ctr.run(WasmFixture.runArgs(MAPS, wasmImage, "userns-wasm-map", "/probe.wasm", "cat",
                "/proc/self/uid_map").toArray(String[]::new));
        assertEquals(0, map.exitCode(), map.toString());
        assertEquals("         0     " + HOST_ROOT + "      65536\n", map.stdout(), "the module's process is in the namespace");
    }

    private static void assertOwnedByTheMappedRoot(Path file) throws IOException {
        assertEquals(HOST_ROOT, Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS), file + "'s owner on the host");
        assertEquals(HOST_ROOT, Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    }
}
