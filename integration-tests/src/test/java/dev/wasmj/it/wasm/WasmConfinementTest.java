package dev.wasmj.it.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.support.RootOnly;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec's identity and confinement hold for a Wasm module as for a native program, through a real
 * containerd and the shipped shim: the image's user, the capability sets, no_new_privs and containerd's
 * default seccomp profile. The module checks what a user would: which files it may read and write, and
 * what its process's /proc status says.
 */
class WasmConfinementTest {
    @TempDir
    static Path tmp;
    static Containerd containerd;
    static Ctr ctr;
    static String rootImage;
    static String userImage;
    static String busybox;

    @BeforeAll
    static void start() {
        RootOnly.check();
        containerd = WasmFixture.containerd();
        ctr = containerd.ctr("wasm-confined");
        rootImage = WasmFixture.probeImage(ctr, tmp);
        userImage = WasmFixture.probeImageBuilder().ref("docker.io/wasmj/probe-user:it").user("1000:1000")
                .build(tmp.resolve("probe-user.tar")).importInto(ctr);
        busybox = OciImage.busybox("docker.io/wasmj/busybox:confined").build(tmp.resolve("busybox.tar")).importInto(ctr);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) containerd.close();
    }

    private static Ctr.Result run(List<String> options, String image, String id, String... args) {
        return ctr.run(WasmFixture.runArgs(options, image, id, args).toArray(String[]::new));
    }

    /** The lines of the module's own /proc/self/status that tell its identity, as one string. */
    private static String status(List<String> options, String image, String id) {
        Ctr.Result r = run(options, image, id, "/probe.wasm", "cat", "/proc/self/status");
        assertEquals(0, r.exitCode(), r.toString());
        return r.stdout();
    }

    @Test
    void theImagesUserReadsRootsFilesButCannotWriteThemNorCreateFilesInRootsDirectories() {
        Ctr.Result read = run(List.of(), userImage, "user-read", "/probe.wasm", "cat", "/etc/greeting");
        assertEquals(0, read.exitCode(), read.toString());
        assertEquals(WasmFixture.GREETING, read.stdout());

        Ctr.Result overwrite = run(List.of(), userImage, "user-overwrite", "/probe.wasm", "write", "/etc/greeting", "owned");
        assertEquals(1, overwrite.exitCode(), overwrite.toString());
        assertEquals("probe: /etc/greeting: Permission denied\n", overwrite.stderr());

        Ctr.Result create = run(List.of(), userImage, "user-create", "/probe.wasm", "write", "/etc/planted", "x");
        assertEquals(1, create.exitCode(), create.toString());
        assertEquals("probe: /etc/planted: Permission denied\n", create.stderr());

        // Its own file it may write.
        Ctr.Result own = run(List.of(), userImage, "user-own", "/probe.wasm", "write", WasmFixture.PRIVATE_FILE, "mine");
        assertEquals(0, own.exitCode(), own.toString());
        assertEquals("mine", own.stdout());
    }

    @Test
    void theModulesProcessRunsAsTheImagesUserWithNoCapabilities() {
        String status = status(List.of(), userImage, "user-status");
        assertTrue(status.contains("Uid:\t1000\t1000\t1000\t1000\n"), status);
        assertTrue(status.contains("Gid:\t1000\t1000\t1000\t1000\n"), status);
        // containerd's default spec lists its capabilities for any user; after execve a non-root program holds
        // none of them, and neither does the module (nor any thread of its JVM: /proc/self is the leader's).
        assertTrue(status.contains("CapEff:\t0000000000000000\n"), status);
        assertTrue(status.contains("CapPrm:\t0000000000000000\n"), status);
        assertTrue(status.contains("NoNewPrivs:\t1\n"), status);
    }

    @Test
    void rootWithoutCapDacOverrideCannotWriteAnotherUsersPrivateFile() {
        Ctr.Result withDefaults = run(List.of(), rootImage, "root-dac", "/probe.wasm", "write", WasmFixture.PRIVATE_FILE, "root");
        assertEquals(0, withDefaults.exitCode(), "root with CAP_DAC_OVERRIDE may: " + withDefaults);

        Ctr.Result dropped = run(List.of("--cap-drop", "CAP_DAC_OVERRIDE"), rootImage, "root-nodac", "/probe.wasm", "write",
                WasmFixture.PRIVATE_FILE, "root");
        assertEquals(1, dropped.exitCode(), dropped.toString());
        assertEquals("probe: " + WasmFixture.PRIVATE_FILE + ": Permission denied\n", dropped.stderr());

        String status = status(List.of("--cap-drop", "CAP_DAC_OVERRIDE"), rootImage, "root-nodac-status");
        String effective = status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow();
        long caps = Long.parseLong(effective.substring("CapEff:".length()).trim(), 16);
        assertEquals(0, caps & (1L << 1), "CAP_DAC_OVERRIDE is not effective: " + effective);
        assertTrue((caps & 1L) != 0, "CAP_CHOWN, one of containerd's defaults, is: " + effective);
    }

    @Test
    void containerdsDefaultSeccompProfileRunsAModuleUnderTheFilter() {
        String status = status(List.of("--seccomp"), rootImage, "seccomp-status");
        assertTrue(status.contains("Seccomp:\t2\n"), "filter mode for the JVM's main thread too: " + status);

        Ctr.Result r = run(List.of("--seccomp"), rootImage, "seccomp-write", "/probe.wasm", "write", "/tmp/f", "under the filter");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("under the filter", r.stdout());
    }

    /**
     * Found at create (as root), refused at execve (uid 1000 on root's 0700 program): Start fails with why.
     * CAP_DAC_OVERRIDE is dropped: containerd's default spec keeps it effective up to the execve (as runc does),
     * which would let uid 1000 execute the file.
     */
    @Test
    void aProgramTheUserMayNotExecuteFailsCtrRunWithTheReasonAndExits126() {
        String image = OciImage.busybox("docker.io/wasmj/busybox:root-only").copy(OciImage.BUSYBOX, "/bin/root-only", 0700)
                .user("1000:1000").build(tmp.resolve("root-only.tar")).importInto(ctr);
        Ctr.Result r = ctr.run("run", "--rm", "--cap-drop", "CAP_DAC_OVERRIDE", "--runtime", WasmFixture.RUNTIME, image,
                "root-only", "/bin/root-only", "true");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("cannot start container \"root-only\": exec /bin/root-only: execve: Permission denied"),
                r.toString());
        assertEquals(126, containerd.loggedExitStatus("root-only"), "as a shell's: found, not executable");

        Ctr.Result missing = ctr.run("run", "--rm", "--runtime", WasmFixture.RUNTIME, busybox, "missing", "/bin/no-such-program");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().contains("/bin/no-such-program: no such file in the container"), missing.toString());
    }

    /** A module runs in the JVM under its filter: a profile denying what the JVM needs fails create, never hangs. */
    @Test
    void aProfileTheJvmCannotLiveUnderFailsTheModuleAtCreateNamingTheCall() throws java.io.IOException {
        Path profile = tmp.resolve("no-futex.json");
        java.nio.file.Files.writeString(profile, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
                + "[{\"names\": [\"futex\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        Ctr.Result r = run(List.of("--seccomp", "--seccomp-profile", profile.toString()), rootImage, "no-futex",
                "/probe.wasm", "args");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("config.json: linux.seccomp: the profile denies futex, which the init JVM needs"
                + " to run this workload in-process"), r.toString());
        assertEquals("", r.stdout());
    }

    @Test
    void containerdsDefaultSeccompProfileRunsANativeProgramThroughTheSameShim() {
        Ctr.Result r = ctr.run("run", "--rm", "--seccomp", "--runtime", WasmFixture.RUNTIME, busybox, "native-seccomp",
                "sh", "-c", "echo native; grep Seccomp: /proc/self/status");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("native\nSeccomp:\t2\n", r.stdout());
    }
}
