package dev.wasmj.libcontainer.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsExecutableLookupTest {
    @TempDir
    Path rootfs;

    private Path program(String containerPath) throws IOException {
        Path file = rootfs.resolve(containerPath.substring(1));
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {0x7f, 'E', 'L', 'F'});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void findsAnAbsoluteArgv0InTheRootfsNotOnTheHost() throws IOException {
        Path pause = program("/pause");
        assertEquals(Optional.of(pause), RootfsExecutableLookup.find(rootfs, "/pause", null, "/"));
        // /bin/sh exists on the host, not in this rootfs
        assertEquals(Optional.empty(), RootfsExecutableLookup.find(rootfs, "/bin/sh", null, "/"));
    }

    @Test
    void searchesThePathInOrderSkippingDirectoriesThatAreAbsent() throws IOException {
        Path first = program("/usr/bin/tool");
        program("/bin/tool");
        assertEquals(Optional.of(first), RootfsExecutableLookup.find(rootfs, "tool", "/opt/none:/usr/bin:/bin", "/"));
        Path relative = program("/work/bin/tool");
        assertEquals(Optional.of(relative), RootfsExecutableLookup.find(rootfs, "bin/tool", "/usr/bin", "/work"));
        assertEquals(Optional.of(relative), RootfsExecutableLookup.find(rootfs, "./tool", null, "/work/bin/../bin"));
    }

    @Test
    void aFileThatIsNotExecutableIsPassedOverAsExecvpDoes() throws IOException {
        Path plain = rootfs.resolve("usr/bin/tool");
        Files.createDirectories(plain.getParent());
        Files.write(plain, new byte[] {1});
        Path second = program("/bin/tool");
        assertEquals(Optional.of(second), RootfsExecutableLookup.find(rootfs, "tool", "/usr/bin:/bin", "/"));
    }

    @Test
    void answersNothingWhereASymlinkIsOnTheWay() throws IOException {
        program("/usr/bin/tool");
        // merged /usr: /bin -> usr/bin; an absolute link would point at the host's files before pivot_root
        Files.createSymbolicLink(rootfs.resolve("bin"), Path.of("usr/bin"));
        assertEquals(Optional.empty(), RootfsExecutableLookup.find(rootfs, "/bin/tool", null, "/"));
        assertEquals(Optional.empty(), RootfsExecutableLookup.find(rootfs, "tool", "/bin:/usr/bin", "/"),
                "a link earlier in the search may lead to another file inside the container");
        Files.createSymbolicLink(rootfs.resolve("usr/bin/alias"), Path.of("/usr/bin/tool"));
        assertEquals(Optional.empty(), RootfsExecutableLookup.find(rootfs, "/usr/bin/alias", null, "/"));
        assertEquals(Optional.empty(), RootfsExecutableLookup.find(rootfs, "/bin/../usr/bin/tool", null, "/"));
    }

    @Test
    void dotDotStopsAtTheRootfsAsItWillAtTheContainersRoot() throws IOException {
        Path pause = program("/pause");
        assertEquals(Optional.of(pause), RootfsExecutableLookup.find(rootfs, "/../../pause", null, "/"));
        assertEquals(Optional.empty(), RootfsExecutableLookup.find(rootfs, "/pause/../pause", null, "/"), "ENOTDIR for execve");
        assertEquals(Optional.empty(), RootfsExecutableLookup.find(rootfs, "/pause/.", null, "/"));
    }

    @Test
    void aLinuxProgramIsAnElfFileOrAScriptAndNotAModule() throws IOException {
        program("/pause");
        Path script = rootfs.resolve("entry.sh");
        Files.writeString(script, "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path module = rootfs.resolve("app.wasm");
        Files.write(module, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Files.setPosixFilePermissions(module, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(rootfs.resolve("pause")), RootfsExecutableLookup.findLinuxProgram(rootfs, "/pause", null, "/"));
        assertEquals(Optional.of(script), RootfsExecutableLookup.findLinuxProgram(rootfs, "/entry.sh", null, "/"));
        assertEquals(Optional.empty(), RootfsExecutableLookup.findLinuxProgram(rootfs, "/app.wasm", null, "/"));
    }
}
