package dev.wasmj.libcontainer.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.RecordingSyscalls;
import dev.wasmj.libcontainer.syscall.SyscallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How one spec mount becomes mount(2) calls, with the recording double. */
class MounterTest {
    @TempDir
    Path tmp;

    private Path rootfs;
    private final RecordingSyscalls sys = new RecordingSyscalls();

    @BeforeEach
    void makeRootfs() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    }

    private static String hex(long flags) {
        return "0x" + Long.toHexString(flags);
    }

    @Test
    void aBindOfAFileCreatesAFileToMountOn() throws IOException {
        Path source = Files.writeString(tmp.resolve("resolv.conf"), "nameserver 10.0.0.1\n");
        new Mounter(sys, rootfs).mount(new MountEntry("/etc/resolv.conf", "bind", source.toString(),
                MountFlags.BIND | MountFlags.NOSUID, 0, null));
        Path target = rootfs.resolve("etc/resolv.conf");
        assertTrue(Files.isRegularFile(target), "a file, not a directory, to bind a file on");
        assertEquals(List.of(
                "mount(" + source + ", " + target + ", null, " + hex(MountFlags.BIND) + ", null)",
                "mount(null, " + target + ", null, " + hex(MountFlags.REMOUNT | MountFlags.BIND | MountFlags.NOSUID) + ", null)"),
                sys.calls(), "a bind ignores other flags: they take a remount");
    }

    @Test
    void aPlainBindNeedsNoRemount() throws IOException {
        Path source = Files.createDirectories(tmp.resolve("data"));
        new Mounter(sys, rootfs).mount(new MountEntry("/data", "bind", source.toString(), MountFlags.BIND, 0, null));
        assertEquals(List.of("mount(" + source + ", " + rootfs.resolve("data") + ", null, " + hex(MountFlags.BIND) + ", null)"),
                sys.calls());
        assertTrue(Files.isDirectory(rootfs.resolve("data")));
    }

    @Test
    void withoutItsOwnNetworkNamespaceSysfsIsTheHostsBoundReadOnly() throws IOException {
        sys.failOn("mount", "sysfs", Errno.EPERM);
        long flags = MountFlags.NOSUID | MountFlags.NOEXEC | MountFlags.NODEV;
        new Mounter(sys, rootfs).mount(new MountEntry("/sys", "sysfs", "sysfs", flags | MountFlags.RDONLY, 0, null));
        Path target = rootfs.resolve("sys");
        assertEquals(List.of(
                "mount(sysfs, " + target + ", sysfs, " + hex(flags | MountFlags.RDONLY) + ", null)",
                "mount(/sys, " + target + ", null, " + hex(MountFlags.BIND | MountFlags.REC) + ", null)",
                "mount(null, " + target + ", null, " + hex(MountFlags.REMOUNT | MountFlags.BIND | MountFlags.RDONLY | flags) + ", null)"),
                sys.calls());
    }

    @Test
    void withoutItsOwnIpcNamespaceMqueueIsTheHosts() throws IOException {
        sys.failOn("mount", "mqueue", Errno.EPERM);
        new Mounter(sys, rootfs).mount(new MountEntry("/dev/mqueue", "mqueue", "mqueue", MountFlags.NOSUID, 0, null));
        assertEquals("mount(/dev/mqueue, " + rootfs.resolve("dev/mqueue") + ", null, " + hex(MountFlags.BIND) + ", null)",
                sys.calls().get(1));
    }

    @Test
    void otherFailuresAreNotPaperedOver() {
        sys.failOn("mount", "tmpfs", Errno.EINVAL);
        SyscallException e = assertThrows(SyscallException.class, () -> new Mounter(sys, rootfs)
                .mount(new MountEntry("/run", "tmpfs", "tmpfs", 0, 0, "size=nonsense")));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(1, sys.calls().size(), "no fallback for other file systems or errors");
    }

    @Test
    void propagationIsAMountCallOfItsOwnAfterTheMount() throws IOException {
        new Mounter(sys, rootfs).mount(new MountEntry("/shm", "tmpfs", "shm", MountFlags.NOSUID, MountFlags.SHARED | MountFlags.REC,
                "size=64k"));
        Path target = rootfs.resolve("shm");
        assertEquals(List.of(
                "mount(shm, " + target + ", tmpfs, " + hex(MountFlags.NOSUID) + ", size=64k)",
                "mount(null, " + target + ", null, " + hex(MountFlags.SHARED | MountFlags.REC) + ", null)"), sys.calls());
    }
}
