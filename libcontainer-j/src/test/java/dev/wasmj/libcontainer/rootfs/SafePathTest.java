package dev.wasmj.libcontainer.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Container paths resolved the way the container will see them, never outside the rootfs. */
class SafePathTest {
    @TempDir
    Path tmp;

    private Path rootfs;

    @BeforeEach
    void makeRootfs() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("usr/lib"));
        Files.createDirectories(tmp.resolve("outside"));
    }

    private void link(String at, String target) throws IOException {
        Path l = rootfs.resolve(at);
        Files.createDirectories(l.getParent());
        Files.createSymbolicLink(l, Path.of(target));
    }

    @Test
    void aPlainPathResolvesUnderTheRootfs() throws IOException {
        assertEquals(rootfs.resolve("etc/hosts"), SafePath.resolve(rootfs, "/etc/hosts"));
        assertEquals(rootfs.resolve("does/not/exist/yet"), SafePath.resolve(rootfs, "/does/not/exist/yet"));
        assertEquals(rootfs.resolve("etc"), SafePath.resolve(rootfs, "//etc/./"), "extra slashes and dots");
        assertEquals(rootfs, SafePath.resolve(rootfs, "/"));
    }

    @Test
    void anAbsoluteSymlinkIsReRootedAtTheRootfs() throws IOException {
        link("proc", "/etc");
        Path resolved = SafePath.resolve(rootfs, "/proc/passwd");
        assertEquals(rootfs.resolve("etc/passwd"), resolved);
        assertTrue(resolved.startsWith(rootfs));
    }

    @Test
    void aSymlinkToAHostPathStaysInside() throws IOException {
        link("evil", tmp.resolve("outside").toString());
        Path resolved = SafePath.resolve(rootfs, "/evil/file");
        assertTrue(resolved.startsWith(rootfs), resolved + " escaped the rootfs");
        assertEquals(rootfs.resolve(tmp.resolve("outside").toString().substring(1)).resolve("file"), resolved);
    }

    @Test
    void aRelativeSymlinkIsFollowedFromItsDirectory() throws IOException {
        link("usr/lib64", "lib");
        link("lib", "usr/lib");
        assertEquals(rootfs.resolve("usr/lib/x.so"), SafePath.resolve(rootfs, "/usr/lib64/x.so"));
        assertEquals(rootfs.resolve("usr/lib/x.so"), SafePath.resolve(rootfs, "/lib/x.so"));
    }

    @Test
    void dotDotStopsAtTheRootfs() throws IOException {
        assertEquals(rootfs.resolve("etc"), SafePath.resolve(rootfs, "/../../../etc"));
        assertEquals(rootfs.resolve("etc"), SafePath.resolve(rootfs, "/usr/../../etc"));
        assertEquals(rootfs, SafePath.resolve(rootfs, "/.."));
    }

    @Test
    void aSymlinkFullOfDotDotCannotEscape() throws IOException {
        link("up", "../../../../../../..");
        link("usr/up", "../../../outside");
        Path a = SafePath.resolve(rootfs, "/up/etc");
        Path b = SafePath.resolve(rootfs, "/usr/up/x");
        assertEquals(rootfs.resolve("etc"), a);
        assertEquals(rootfs.resolve("outside/x"), b);
        assertTrue(!Files.exists(rootfs.resolve("outside")), "the host's " + tmp.resolve("outside") + " is not it");
    }

    @Test
    void aSymlinkLoopIsAnError() throws IOException {
        link("loop1", "/loop2");
        link("loop2", "loop1");
        IOException e = assertThrows(IOException.class, () -> SafePath.resolve(rootfs, "/loop1/x"));
        assertTrue(e.getMessage().contains("/loop1/x"), e.getMessage());
        assertTrue(e.getMessage().contains("too many symlinks"), e.getMessage());
    }

    @Test
    void aSelfLinkIsALoopToo() throws IOException {
        link("self", "self");
        assertThrows(IOException.class, () -> SafePath.resolve(rootfs, "/self"));
    }

    @Test
    void theLastComponentIsFollowedToo() throws IOException {
        link("etc/mtab", "/proc/self/mounts");
        assertEquals(rootfs.resolve("proc/self/mounts"), SafePath.resolve(rootfs, "/etc/mtab"));
    }
}
