package dev.wasmj.libcontainer.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.libcontainer.seccomp.Arch;
import dev.wasmj.libcontainer.seccomp.SeccompCompiler;
import dev.wasmj.oci.runtime.LinuxSeccomp;
import dev.wasmj.oci.runtime.LinuxSyscall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Syscalls#confineProcess} on a real JVM ({@link ConfineProbe}, a child JVM: the test's own would lose
 * root): credentials, capabilities and no_new_privs are per thread in the kernel, so every thread of the JVM,
 * those that existed, those created while it ran and those created after, must hold exactly the workload's.
 * Needs root.
 */
class ConfineProcessTest {
    private static final long CHOWN = 1L, DAC_OVERRIDE = 1L << 1, NET_BIND_SERVICE = 1L << 10;

    @TempDir
    Path tmp;

    @Test
    void everyThreadOfTheJvmTakesTheWorkloadsUserGroupsCapabilitiesAndNoNewPrivs() throws Exception {
        assumeTrue(isRoot(), "needs root");
        Path rootOnly = rootOwnedDirectory();
        long bounding = CHOWN | DAC_OVERRIDE | NET_BIND_SERVICE;
        // bounding, effective, permitted, inheritable, ambient (already as execve would leave them for uid 1000)
        String caps = hex(bounding) + "," + hex(NET_BIND_SERVICE) + "," + hex(NET_BIND_SERVICE) + ","
                + hex(NET_BIND_SERVICE) + "," + hex(NET_BIND_SERVICE);
        List<String> out = probe("1000", "1000", "10,20", caps, "true", "-", rootOnly.toString());

        List<String> threads = threadLines(out);
        assertTrue(threads.size() > 10, "the JVM's threads, sleepers and all: " + out);
        for (String t : threads) {
            assertTrue(t.contains("Uid: 1000 1000 1000 1000"), t);
            assertTrue(t.contains("Gid: 1000 1000 1000 1000"), t);
            assertTrue(t.contains("Groups: 10 20"), t);
            assertTrue(t.contains("CapEff: " + String.format("%016x", NET_BIND_SERVICE)), t);
            assertTrue(t.contains("CapPrm: " + String.format("%016x", NET_BIND_SERVICE)), t);
            assertTrue(t.contains("CapAmb: " + String.format("%016x", NET_BIND_SERVICE)), t);
            assertTrue(t.contains("CapBnd: " + String.format("%016x", bounding)), t);
            assertTrue(t.contains("NoNewPrivs: 1"), t);
        }
        // Without CAP_DAC_OVERRIDE, uid 1000 may not write into root's 0755 directory, from any thread.
        assertTrue(out.contains("mkdir from a new thread: AccessDeniedException: " + rootOnly.resolve("made-by-a-new-thread")), out.toString());
        assertTrue(out.contains("mkdir from main: AccessDeniedException: " + rootOnly.resolve("made-by-main")), out.toString());
        assertFalse(Files.exists(rootOnly.resolve("made-by-main")));
    }

    @Test
    void theSeccompFilterReachesEveryThreadEvenWithoutNoNewPrivs() throws Exception {
        assumeTrue(isRoot(), "needs root");
        LinuxSyscall denyMkdir = new LinuxSyscall();
        denyMkdir.setAction("SCMP_ACT_ERRNO");
        denyMkdir.setNames(new ArrayList<>(List.of("mkdir", "mkdirat")));
        LinuxSeccomp profile = new LinuxSeccomp();
        profile.setDefaultAction("SCMP_ACT_ALLOW");
        profile.setSyscalls(new ArrayList<>(List.of(denyMkdir)));
        String filter = Base64.getEncoder().encodeToString(SeccompCompiler.compile(profile, Arch.nativeArch()));

        List<String> out = probe("0", "0", "-", "keep", "false", filter, tmp.toString());

        for (String t : threadLines(out)) {
            assertTrue(t.contains("Seccomp: 2"), "filter mode on every thread: " + t);
            assertTrue(t.contains("NoNewPrivs: 0"), t);
            assertTrue(t.contains("Uid: 0 0 0 0"), t);
        }
        assertTrue(out.contains("mkdir from a new thread: FileSystemException: " + tmp.resolve("made-by-a-new-thread")
                + ": Operation not permitted"), out.toString());
        assertTrue(out.contains("mkdir from main: FileSystemException: " + tmp.resolve("made-by-main")
                + ": Operation not permitted"), out.toString());
    }

    private Path rootOwnedDirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("root-only"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The temp dir itself must be searchable by uid 1000.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static List<String> threadLines(List<String> out) {
        return out.stream().filter(l -> l.contains("| Name:")).toList();
    }

    private static List<String> probe(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ConfineProbe.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static String hex(long mask) {
        return Long.toHexString(mask);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
