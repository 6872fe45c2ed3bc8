package dev.wasmj.libcontainer.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.hooks.HookException;
import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.process.InitPlan;
import dev.wasmj.libcontainer.process.InitPlan.DeviceEntry;
import dev.wasmj.libcontainer.process.InitPlan.HookEntry;
import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.process.InitPlan.Rlimit;
import dev.wasmj.libcontainer.process.SyncChannel;
import dev.wasmj.libcontainer.rootfs.Devices;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.RecordingSyscalls;
import dev.wasmj.libcontainer.workload.Executor;
import dev.wasmj.libcontainer.workload.ExecutorException;
import dev.wasmj.libcontainer.workload.WorkloadContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init's set-up, driven with the recording double: which privileged calls it makes, in which order, and how
 * it fails. The rootfs is a temp dir (the code creates mount points and /dev links in it for real).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContainerInitTest {
    private static final String HOSTNAME = "unit-host";
    private static final String DOMAINNAME = "unit.example";

    @TempDir
    Path tmp;

    private Path rootfs;
    private Path hostData;
    private Path maskedFile;
    private Path maskedDir;
    private Path readonlyDir;
    private Path absent;
    private final RecordingSyscalls sys = new RecordingSyscalls();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final InitLog log = new InitLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "c1", true);
    private final RecordingExecutor executor = new RecordingExecutor();
    /** The plan's mount namespace to join, for the tests that join one. */
    private String joinMountNamespace;

    private SyncChannel initSide;
    private SyncChannel runtimeSide;
    private PipedOutputStream runtimeOut;
    /** What the runtime side received, and how many syscalls the init had made when it asked. */
    private final List<SyncChannel.Type> requests = new ArrayList<>();
    private int callsWhenHooksWereRequested = -1;

    @BeforeEach
    void setUpFiles() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        hostData = Files.createDirectories(tmp.resolve("host-data"));
        // Masked and read-only paths are container paths checked after pivot_root; with the double nothing is
        // pivoted, so they are looked up on the host: use host paths this test controls.
        maskedFile = Files.writeString(tmp.resolve("masked-file"), "secret");
        maskedDir = Files.createDirectories(tmp.resolve("masked-dir"));
        readonlyDir = Files.createDirectories(tmp.resolve("readonly-dir"));
        absent = tmp.resolve("absent");
    }

    @BeforeEach
    void connectChannels() throws IOException {
        PipedInputStream initIn = new PipedInputStream(64 * 1024);
        PipedInputStream runtimeIn = new PipedInputStream(64 * 1024);
        PipedOutputStream initOut = new PipedOutputStream(runtimeIn);
        runtimeOut = new PipedOutputStream(initIn);
        initSide = new SyncChannel(initIn, initOut);
        runtimeSide = new SyncChannel(runtimeIn, runtimeOut);
    }

    @AfterEach
    void closePipes() throws IOException {
        runtimeOut.close();
    }

    /** The runtime's side of create: answers the init's request for the createRuntime hooks. */
    private CompletableFuture<Void> runtimeAnswers(SyncChannel.Type reply, String text) {
        return CompletableFuture.runAsync(() -> {
            try {
                SyncChannel.Message m = runtimeSide.receive();
                assertNotNull(m, "the init closed the channel");
                requests.add(m.type());
                callsWhenHooksWereRequested = sys.count();
                if (reply == null) {
                    runtimeOut.close();
                } else {
                    runtimeSide.send(reply, text);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static int uidOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }

    private List<DeviceEntry> defaultDevices() throws IOException {
        // The defaults as they are, owned by root; when the test is not root, owned by whoever runs it.
        int uid = uidOf(tmp);
        int gid = (Integer) Files.getAttribute(tmp, "unix:gid");
        return Devices.DEFAULTS.stream()
                .map(d -> new DeviceEntry(d.path(), d.type(), d.major(), d.minor(), d.fileMode(), uid, gid))
                .toList();
    }

    private InitPlan plan(boolean newMountNamespace, List<MountEntry> mounts) throws IOException {
        return plan(newMountNamespace, mounts, new ProcessPlan(List.of("/bin/app", "arg"), List.of("PATH=/bin"), "/work",
                0, 0, new int[0], 022, List.of(new Rlimit(7, 1024, 2048)), false, null, null, false, 0, 0, null, 0, List.of()));
    }

    /** uid 1000, gid 1000, group 10, a capabilities section, no_new_privs and a (one-instruction) filter. */
    private static ProcessPlan confinedProcess(List<String> jvmSyscallsDenied) {
        long netBindService = 1L << 10;
        return new ProcessPlan(List.of("/bin/app"), List.of("PATH=/bin"), "/work", 1000, 1000, new int[] {10}, 022,
                List.of(), true, null, new long[] {netBindService | 1, netBindService | 1, netBindService | 1, netBindService, netBindService}, false, 0, 0,
                new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f}, 0, jvmSyscallsDenied);
    }

    private InitPlan plan(boolean newMountNamespace, List<MountEntry> mounts, ProcessPlan process) throws IOException {
        return new InitPlan(
                "c1",
                rootfs.toString(),
                true,
                MountFlags.SLAVE | MountFlags.REC,
                newMountNamespace,
                true,
                joinMountNamespace,
                mounts,
                defaultDevices(),
                HOSTNAME,
                DOMAINNAME,
                Map.of(),
                List.of(maskedFile.toString(), maskedDir.toString(), absent.toString()),
                List.of(readonlyDir.toString(), absent.toString()),
                process,
                true,
                List.of(new HookEntry("/bin/hook-create", List.of("/bin/hook-create", "now"), List.of(), 0)),
                List.of(),
                0,
                "test",
                null);
    }

    private List<MountEntry> specMounts() {
        return List.of(
                new MountEntry("/proc", "proc", "proc", MountFlags.NOSUID | MountFlags.NOEXEC | MountFlags.NODEV, 0, null),
                new MountEntry("/dev", "tmpfs", "tmpfs", MountFlags.NOSUID | MountFlags.STRICTATIME, 0,
                        "mode=755,size=65536k"),
                new MountEntry("/data", "bind", hostData.toString(), MountFlags.BIND | MountFlags.REC | MountFlags.RDONLY,
                        MountFlags.PRIVATE | MountFlags.REC, null));
    }

    private ContainerInit init(InitPlan plan) {
        return new ContainerInit(sys, initSide, plan, executor, log);
    }

    private static String hex(long flags) {
        return "0x" + Long.toHexString(flags);
    }

    private int index(String call) {
        int i = sys.indexOf(call);
        assertTrue(i >= 0, "no call " + call + " in\n" + String.join("\n", sys.calls()));
        return i;
    }

    private void assertBefore(String first, String second) {
        assertTrue(index(first) < index(second), first + " should come before " + second + " in\n"
                + String.join("\n", sys.calls()));
    }

    @Test
    void privilegedCallsComeInYoukisOrder() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        int startGate = init(plan(true, specMounts())).setUp(new SetUpSteps());
        runtime.get(30, TimeUnit.SECONDS);

        String r = rootfs.toString();
        List<String> calls = sys.calls();
        // 1. Nothing may propagate back to the host: "/" is made rslave before any other mount.
        assertEquals("mount(null, /, null, " + hex(MountFlags.SLAVE | MountFlags.REC) + ", null)", calls.get(0));
        // 2. pivot_root needs the rootfs to be a mount point: it is bound onto itself.
        assertEquals("mount(" + r + ", " + r + ", null, " + hex(MountFlags.BIND | MountFlags.REC) + ", null)", calls.get(1));
        // 3. The spec's mounts, in the spec's order, at their places under the rootfs.
        String proc = "mount(proc, " + r + "/proc, proc, " + hex(MountFlags.NOSUID | MountFlags.NOEXEC | MountFlags.NODEV) + ", null)";
        String dev = "mount(tmpfs, " + r + "/dev, tmpfs, " + hex(MountFlags.NOSUID | MountFlags.STRICTATIME) + ", mode=755,size=65536k)";
        String dataBind = "mount(" + hostData + ", " + r + "/data, null, " + hex(MountFlags.BIND | MountFlags.REC) + ", null)";
        String dataRo = "mount(null, " + r + "/data, null, " + hex(MountFlags.REMOUNT | MountFlags.BIND | MountFlags.RDONLY) + ", null)";
        String dataPrivate = "mount(null, " + r + "/data, null, " + hex(MountFlags.PRIVATE | MountFlags.REC) + ", null)";
        assertEquals(List.of(proc, dev, dataBind, dataRo, dataPrivate), calls.subList(2, 7));
        // 4. The default devices, after /dev is mounted (else the tmpfs would hide them).
        List<String> mknods = sys.callsStartingWith("mknod(");
        assertEquals(Devices.DEFAULTS.size(), mknods.size(), "one node per default device: " + mknods);
        for (DeviceEntry d : Devices.DEFAULTS) {
            String mknod = "mknod(" + r + d.path() + ", 020" + Integer.toOctalString(d.fileMode()) + ", " + d.major() + ", "
                    + d.minor() + ")";
            assertBefore(dev, mknod);
            assertBefore(mknod, "sethostname(" + HOSTNAME + ")");
        }
        assertTrue(Files.isSymbolicLink(rootfs.resolve("dev/fd")), "/dev/fd link");
        assertEquals(Path.of("/proc/self/fd/1"), Files.readSymbolicLink(rootfs.resolve("dev/stdout")));
        // 5. Names, then the createRuntime hooks (run by the runtime), then createContainer hooks in the container.
        assertBefore("sethostname(" + HOSTNAME + ")", "setdomainname(" + DOMAINNAME + ")");
        assertEquals(List.of(SyncChannel.Type.RUN_CREATE_RUNTIME_HOOKS), requests);
        assertTrue(callsWhenHooksWereRequested > index("setdomainname(" + DOMAINNAME + ")"),
                "hooks requested after the names are set");
        String hook = "spawn(/bin/hook-create, [/bin/hook-create, now])";
        assertTrue(index(hook) >= callsWhenHooksWereRequested, "createContainer hooks run after the createRuntime ones");
        // 6. The start gate is the fd the runtime passed (a container root of another host uid could not open it).
        assertEquals(InitFds.START_GATE, startGate);
        assertTrue(sys.callsStartingWith("open(").stream().noneMatch(c -> c.contains("fifo")), sys.calls().toString());
        // 7. pivot_root(".", ".") from inside the rootfs; the old root, stacked on top, is made a slave and detached.
        assertBefore("chdir(" + r + ")", "pivotRoot(., .)");
        int pivot = index("pivotRoot(., .)");
        assertEquals("mount(null, ., null, " + hex(MountFlags.SLAVE | MountFlags.REC) + ", null)", calls.get(pivot + 1));
        assertEquals("umount2(., " + hex(MountFlags.MNT_DETACH) + ")", calls.get(pivot + 2));
        assertEquals("chdir(/)", calls.get(pivot + 3));
        // 8. After the pivot: masked paths (a file reads as /dev/null, a directory is an empty read-only tmpfs),
        //    read-only paths (bind + read-only remount), then the read-only root. Absent paths are skipped.
        List<String> afterPivot = calls.subList(pivot + 4, calls.size());
        assertEquals(List.of(
                "mount(/dev/null, " + maskedFile + ", null, " + hex(MountFlags.BIND) + ", null)",
                "mount(tmpfs, " + maskedDir + ", tmpfs, " + hex(MountFlags.RDONLY) + ", null)",
                "mount(" + readonlyDir + ", " + readonlyDir + ", null, " + hex(MountFlags.BIND | MountFlags.REC) + ", null)",
                "mount(null, " + readonlyDir + ", null, "
                        + hex(MountFlags.REMOUNT | MountFlags.BIND | MountFlags.RDONLY | MountFlags.REC) + ", null)",
                "mount(null, /, null, " + hex(MountFlags.REMOUNT | MountFlags.BIND | MountFlags.RDONLY) + ", null)",
                "setrlimit(7, 1024, 2048)",
                "umask(022)"), afterPivot);
        assertTrue(sys.calls().stream().noneMatch(c -> c.contains(absent.toString())), "absent paths are skipped");
        // 9. The executor prepares while the host is visible and validates in the finished container.
        assertTrue(executor.preparedAt >= 0 && executor.preparedAt < pivot, "prepare() before pivot_root");
        assertEquals(calls.size(), executor.validatedAt, "validate() after every set-up call");
        assertEquals("c1", executor.context.containerId());
        assertEquals(List.of("/bin/app", "arg"), executor.context.args());
        // The process's cwd exists in the rootfs.
        assertTrue(Files.isDirectory(rootfs.resolve("work")));
    }

    @Test
    void noCallIsMadeTwiceAndNothingIsUnmountedButTheOldRoot() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        init(plan(true, specMounts())).setUp(new SetUpSteps());
        runtime.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("umount2(., " + hex(MountFlags.MNT_DETACH) + ")"), sys.callsStartingWith("umount2("));
        assertEquals(1, sys.callsStartingWith("pivotRoot(").size());
        assertEquals(1, sys.callsStartingWith("sethostname(").size());
    }

    @Test
    void hooksFailedStopsTheSetUpWithTheHooksMessage() throws Exception {
        String why = "hook createRuntime[0] /usr/bin/netns-setup: exited with 3";
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_FAILED, why);
        ContainerInit init = init(plan(true, specMounts()));
        HookException e = assertThrows(HookException.class, () -> init.setUp(new SetUpSteps()));
        runtime.get(30, TimeUnit.SECONDS);
        assertEquals(why, e.getMessage());
        assertEquals(why, ContainerInit.describe(e), "what the runtime reports is the hook's own message");
        assertTrue(sys.callsStartingWith("pivotRoot").isEmpty(), "no pivot after a failed hook");
        assertTrue(sys.callsStartingWith("spawn").isEmpty(), "no createContainer hook after a failed createRuntime hook");
        assertEquals(-1, executor.preparedAt);
    }

    @Test
    void theRuntimeGoingAwayDuringTheHooksIsAnError() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(null, null);
        ContainerInit init = init(plan(true, specMounts()));
        IOException e = assertThrows(IOException.class, () -> init.setUp(new SetUpSteps()));
        runtime.get(30, TimeUnit.SECONDS);
        assertTrue(e.getMessage().contains("runtime went away"), e.getMessage());
        assertTrue(sys.callsStartingWith("pivotRoot").isEmpty());
    }

    @Test
    void aFailingMountNamesItsDestination() throws Exception {
        String procTarget = rootfs.resolve("proc").toString();
        sys.failOn("mount", procTarget, Errno.EPERM);
        ContainerInit init = init(plan(true, specMounts()));
        IOException e = assertThrows(IOException.class, () -> init.setUp(new SetUpSteps()));
        assertTrue(e.getMessage().startsWith("mount /proc (proc)"), e.getMessage());
        assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
        assertTrue(e.getMessage().contains("errno 1"), e.getMessage());
        // Nothing after the failed mount: no later mount, no device, no hook request, no pivot.
        List<String> calls = sys.calls();
        assertTrue(calls.get(calls.size() - 1).contains(procTarget), "the failed mount is the last call: " + calls);
        assertTrue(sys.callsStartingWith("mknod").isEmpty());
        assertTrue(requests.isEmpty());
        assertTrue(sys.callsStartingWith("pivotRoot").isEmpty());
    }

    @Test
    void aMissingBindSourceNamesTheDestinationAndSource() throws Exception {
        Path gone = tmp.resolve("gone");
        List<MountEntry> mounts = List.of(new MountEntry("/data", "bind", gone.toString(), MountFlags.BIND, 0, null));
        IOException e = assertThrows(IOException.class, () -> init(plan(true, mounts)).setUp(new SetUpSteps()));
        assertTrue(e.getMessage().contains("/data"), e.getMessage());
        assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
        assertFalse(Files.exists(gone, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aMountDestinationThatIsASymlinkOutOfTheRootfsStaysInside() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(rootfs.resolve("proc"), outside);
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        init(plan(true, specMounts())).setUp(new SetUpSteps());
        runtime.get(30, TimeUnit.SECONDS);
        String expected = rootfs.resolve(outside.toString().substring(1)).toString();
        assertEquals(1, sys.callsStartingWith("mount(proc, " + expected + ", proc").size(), String.join("\n", sys.calls()));
        assertTrue(sys.calls().stream().noneMatch(c -> c.startsWith("mount(proc, " + outside + ",")),
                "never mounted on the host's " + outside);
    }

    @Test
    void withoutAMountNamespaceNothingIsMountedOrPivoted() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        init(plan(false, specMounts())).setUp(new SetUpSteps());
        runtime.get(30, TimeUnit.SECONDS);
        assertTrue(sys.callsStartingWith("mount").isEmpty(), sys.calls().toString());
        assertTrue(sys.callsStartingWith("mknod").isEmpty());
        assertTrue(sys.callsStartingWith("pivotRoot").isEmpty());
        assertEquals(1, sys.callsStartingWith("sethostname(" + HOSTNAME + ")").size(), "a new UTS namespace still gets its name");
        assertTrue(executor.validatedAt > 0);
    }

    @Test
    void aJoinedMountNamespaceIsJoinedByTheMainThreadWhereItWouldPivotAfterItsFilesAreOpen() throws Exception {
        executor.inProcess = false;
        joinMountNamespace = "/proc/77/ns/mnt";
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        init(plan(false, specMounts())).setUp(new SetUpSteps());
        runtime.get(30, TimeUnit.SECONDS);

        assertTrue(sys.callsStartingWith("mount").isEmpty(), "nothing of the other container is remounted: " + sys.calls());
        assertTrue(sys.callsStartingWith("pivotRoot").isEmpty());
        int open = index("open(/proc/77/ns/mnt, 0x0, 0)");
        // Its own fs_struct first (the JVM's threads share one), then the namespace, then its root.
        List<String> join = sys.calls().subList(open + 1, open + 5);
        assertEquals("unshare(0x200)", join.get(0), join.toString());
        assertTrue(join.get(1).matches("setns\\(\\d+, 0x20000\\)"), join.toString());
        assertTrue(join.get(2).startsWith("close("), join.toString());
        assertEquals("chdir(/)", sys.calls().get(open + 4));
        assertTrue(executor.preparedAt <= open, "the executor prepared while the runtime's files were visible");
        assertTrue(executor.validatedAt > open + 4, "and validated inside the joined namespace");
    }

    @Test
    void anInProcessWorkloadCannotJoinAMountNamespace() throws Exception {
        joinMountNamespace = "/proc/77/ns/mnt";
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        ExecutorException e = assertThrows(ExecutorException.class, () -> init(plan(false, specMounts())).setUp(new SetUpSteps()));
        runtime.get(30, TimeUnit.SECONDS);
        assertTrue(e.getMessage().contains("joining a mount namespace by path (/proc/77/ns/mnt) works for native programs"
                + " only"), e.getMessage());
    }

    @Test
    void anInitStartedAheadForASandboxRunsNothingInItsJvm() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        ContainerInit init = init(plan(false, specMounts()));
        init.requireExec("this init was started ahead for a pod's sandbox, a Linux program");
        ExecutorException e = assertThrows(ExecutorException.class, () -> init.setUp(new SetUpSteps()));
        runtime.get(30, TimeUnit.SECONDS);
        assertTrue(e.getMessage().endsWith("is not a Linux program, and this init was started ahead for a pod's sandbox,"
                + " a Linux program"), e.getMessage());
    }

    @Test
    void anInitStartedAheadForASandboxExecsItsProgram() throws Exception {
        executor.inProcess = false;
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        ContainerInit init = init(plan(false, specMounts()));
        init.requireExec("started ahead");
        init.setUp(new SetUpSteps()); // a program exec'd from the main thread is what it was started for
        runtime.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anInProcessWorkloadIsConfinedOnceStartedAndBeforeItRuns() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        ContainerInit init = init(plan(true, specMounts(), confinedProcess(List.of())));
        int startGate = init.setUp(new SetUpSteps());
        runtime.get(30, TimeUnit.SECONDS);
        int setUpCalls = sys.count();
        sys.readsReturnOneByte(1);

        assertEquals(RecordingExecutor.EXIT_STATUS, init.startWorkload(startGate));

        // The gate, then the cwd, then the identity on every thread, then start is told, then the workload runs.
        List<String> calls = sys.calls().subList(setUpCalls, sys.calls().size());
        assertEquals("read(" + startGate + ", 1)", calls.get(0));
        assertEquals("close(" + startGate + ")", calls.get(1));
        assertEquals("chdir(/work)", calls.get(2));
        // Execve's rules for uid 1000: only the ambient capability stays effective and permitted.
        assertEquals("confineProcess(uid=1000, gid=1000, groups=[10], caps=[bnd 0x401, eff 0x400, prm 0x400, inh 0x400,"
                + " amb 0x400], nnp=true, seccomp=1 insns)", calls.get(3));
        assertTrue(calls.get(4).startsWith("close("), "the start result is closed (started) before the workload runs: " + calls);
        assertEquals(setUpCalls + 5, executor.ranAt, "run() right after: " + calls);
    }

    @Test
    void aWorkloadThatExecsIsNotConfinedByTheInitButAtItsExecve() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        executor.inProcess = false;
        ContainerInit init = init(plan(true, specMounts(), confinedProcess(List.of("futex"))));
        int startGate = init.setUp(new SetUpSteps()); // a filter the JVM could not live under is fine for an exec
        runtime.get(30, TimeUnit.SECONDS);
        int setUpCalls = sys.count();
        sys.readsReturnOneByte(1);

        init.startWorkload(startGate);

        List<String> calls = sys.calls().subList(setUpCalls, sys.calls().size());
        assertEquals(List.of("read(" + startGate + ", 1)", "close(" + startGate + ")", "chdir(/work)"), calls,
                "no confinement, and the start result stays open for the execve to close");
    }

    @Test
    void aFilterDenyingWhatTheJvmNeedsIsRefusedAtCreateForAnInProcessWorkload() throws Exception {
        CompletableFuture<Void> runtime = runtimeAnswers(SyncChannel.Type.HOOKS_DONE, "");
        ContainerInit init = init(plan(true, specMounts(), confinedProcess(List.of("clone", "futex"))));
        ExecutorException e = assertThrows(ExecutorException.class, () -> init.setUp(new SetUpSteps()));
        runtime.get(30, TimeUnit.SECONDS);
        assertTrue(e.getMessage().startsWith("config.json: linux.seccomp: the profile denies clone, futex, which the init"
                + " JVM needs to run this workload in-process"), e.getMessage());
        assertTrue(sys.callsStartingWith("confineProcess").isEmpty());
    }

    /** Records when it was called, counted in the double's calls. */
    static final class RecordingExecutor implements Executor {
        static final int EXIT_STATUS = 42;
        int preparedAt = -1;
        int validatedAt = -1;
        int ranAt = -1;
        boolean inProcess = true;
        WorkloadContext context;

        @Override
        public boolean runsInProcess() {
            return inProcess;
        }

        @Override
        public void prepare(WorkloadContext ctx) {
            preparedAt = ((RecordingSyscalls) ctx.syscalls()).count();
            context = ctx;
        }

        @Override
        public void validate(WorkloadContext ctx) {
            validatedAt = ((RecordingSyscalls) ctx.syscalls()).count();
        }

        @Override
        public int run(WorkloadContext ctx) {
            ranAt = ((RecordingSyscalls) ctx.syscalls()).count();
            return EXIT_STATUS;
        }
    }
}
