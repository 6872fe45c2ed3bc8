package dev.wasmj.libcontainer.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.libcontainer.process.InitLauncher;
import dev.wasmj.libcontainer.process.InitPlan;
import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.process.InitProcess;
import dev.wasmj.libcontainer.process.LaunchOptions;
import dev.wasmj.libcontainer.process.SyncChannel;
import dev.wasmj.libcontainer.rootfs.Devices;
import dev.wasmj.libcontainer.rootfs.MountOptions;
import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.FdStreams;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.SpawnedChildren;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import dev.wasmj.libcontainer.workload.NativeExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real container whose init runs from a classes directory, as it does under surefire (target/classes, not a
 * jar). After pivot_root a JVM cannot open a file it had not opened before, so every class of the init that is
 * first used after the pivot (path restrictions, process attributes, the executor's exec) would be missing
 * without ClassPreloader. Needs root and /bin/busybox.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InitFromDirectoryTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final int NAMESPACES = CloneFlags.NEWPID | CloneFlags.NEWNS | CloneFlags.NEWUTS | CloneFlags.NEWIPC
            | CloneFlags.NEWNET | CloneFlags.NEWCGROUP;

    @TempDir
    Path tmp;

    private final Syscalls sys = Syscalls.linux();
    private final SpawnedChildren children = new SpawnedChildren(sys);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Path rootfs;
    private Path fifo;
    private Path startResult;
    private Path log;

    @BeforeEach
    void makeBundle() throws IOException {
        assumeTrue((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root");
        assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX);
        Path classes = Path.of(InitMain.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        assumeTrue(Files.isDirectory(classes), "the init's classes come from a directory: " + classes);

        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : List.of("sh", "echo", "hostname", "ls")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        for (String dir : List.of("proc", "dev", "sys", "tmp")) Files.createDirectories(rootfs.resolve(dir));
        fifo = tmp.resolve("exec.fifo");
        sys.mkfifo(fifo.toString(), 0600);
        startResult = tmp.resolve("start.result");
        sys.mkfifo(startResult.toString(), 0600);
        log = tmp.resolve("init.log");
    }

    @AfterEach
    void cleanUp() throws Exception {
        children.killAll();
        for (AutoCloseable c : toClose) c.close();
    }

    private InitPlan plan(String hostname, List<String> args) {
        ProcessPlan process = new ProcessPlan(args, List.of("PATH=/bin", "HOME=/"), "/", 0, 0, new int[0], 022,
                List.of(), false, null, null, false, 0, 0, null, 0, List.of());
        return new InitPlan(
                "from-dir",
                rootfs.toString(),
                false,
                MountOptions.rootPropagation(null),
                true,
                true,
                null,
                List.of(
                        new MountEntry("/proc", "proc", "proc", MountFlags.NOSUID | MountFlags.NOEXEC | MountFlags.NODEV, 0, null),
                        new MountEntry("/dev", "tmpfs", "tmpfs", MountFlags.NOSUID | MountFlags.STRICTATIME, 0,
                                "mode=755,size=65536k")),
                Devices.DEFAULTS,
                hostname,
                null,
                Map.of(),
                List.of("/proc/kcore", "/proc/keys", "/sys/firmware"),
                List.of("/proc/sys", "/proc/sysrq-trigger"),
                process,
                true,
                List.of(),
                List.of(),
                0,
                NativeExecutor.NAME,
                null);
    }

    /** A started init with the container's stdout and stderr on a pipe this test reads. */
    private record Started(InitProcess init, InputStream output) {}

    private Started launch(InitPlan plan) throws IOException {
        int[] out = sys.pipe();
        InputStream output = FdStreams.input(sys, out[0]);
        toClose.add(output);
        int devNull = sys.open("/dev/null", OpenFlags.RDWR, 0);
        int logFd = sys.open(log.toString(), OpenFlags.WRONLY | OpenFlags.CREAT | OpenFlags.APPEND, 0600);
        try {
            LaunchOptions options = new LaunchOptions().newNamespaces(NAMESPACES).stdio(devNull, out[1], out[1]).logFd(logFd)
                    .startFifos(fifo, startResult);
            InitProcess init = new InitLauncher(sys).launch(plan, options);
            children.add(init.pid());
            toClose.add(0, init);
            return new Started(init, output);
        } finally {
            // The init has its own copies; ours would keep the output open after the workload exits.
            sys.close(out[1]);
            sys.close(devNull);
            sys.close(logFd);
        }
    }

    /** The runtime's side of create: runs the (absent) createRuntime hooks and returns the init's last message. */
    private SyncChannel.Message serveUntilReadyOrError(InitProcess init) throws IOException {
        while (true) {
            SyncChannel.Message m = init.channel().receive();
            assertNotNull(m, "the init exited during set-up; its log:\n" + initLog());
            if (m.type() == SyncChannel.Type.RUN_CREATE_RUNTIME_HOOKS) {
                init.channel().send(SyncChannel.Type.HOOKS_DONE, "");
            } else {
                return m;
            }
        }
    }

    private String initLog() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private WaitStatus reap(int pid) {
        WaitStatus s = sys.waitpid(pid, 0);
        children.reaped(pid);
        return s;
    }

    @Test
    void aContainerRunsItsWorkloadAsPidOneWithItsHostname() throws IOException {
        String hostname = "unit-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xffffff);
        Started s = launch(plan(hostname, List.of("sh", "-c", "echo pid=$$ host=$(hostname)")));

        SyncChannel.Message m = serveUntilReadyOrError(s.init());
        assertEquals(SyncChannel.Type.READY, m.type(), m.text() + "\ninit log:\n" + initLog());
        assertTrue(m.text().matches("\\d+ ms in main: syscalls .*, plan .*, rootfs .*, executor .*, pivot and the rest \\d+ ms"),
                "READY tells how long the init's steps took: " + m.text());

        // start: one byte through the exec fifo releases the init.
        int gate = sys.open(fifo.toString(), OpenFlags.WRONLY | OpenFlags.NONBLOCK, 0);
        try {
            assertEquals(1, sys.write(gate, new byte[] {1}, 0, 1));
        } finally {
            sys.close(gate);
        }

        String output = new String(s.output().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("pid=1 host=" + hostname + "\n", output, "init log:\n" + initLog());
        WaitStatus status = reap(s.init().pid());
        assertTrue(status.exited(), status + "\ninit log:\n" + initLog());
        assertEquals(0, status.exitCode(), "init log:\n" + initLog());
    }

    @Test
    void aMissingExecutableIsReportedBeforeStartAndTheInitExits() throws IOException {
        Started s = launch(plan("unit-missing", List.of("/bin/nope")));

        SyncChannel.Message m = serveUntilReadyOrError(s.init());
        assertEquals(SyncChannel.Type.ERROR, m.type(), "init log:\n" + initLog());
        assertTrue(m.text().contains("executable file not found"), m.text());
        assertTrue(m.text().contains("/bin/nope"), m.text());

        WaitStatus status = reap(s.init().pid());
        assertTrue(status.exited(), status.toString());
        assertEquals(InitMain.SETUP_FAILED, status.exitCode());
        assertEquals("", new String(s.output().readAllBytes(), StandardCharsets.UTF_8), "the workload never ran");
        if (s.init().channel().receive() != null) fail("nothing after ERROR");
    }
}
