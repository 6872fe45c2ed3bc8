package dev.wasmj.libcontainer.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.FdStreams;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.SpawnedChildren;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.libcontainer.syscall.WaitStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The facts the process model rests on (docs/design/process-model.md), each checked on the real kernel: what a
 * JVM thread cannot do, and what {@link Syscalls#spawn} does instead. Needs root and /bin/busybox.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessModelTest {
    private static final String BUSYBOX = "/bin/busybox";
    private static final int ALL_NEW = CloneFlags.NEWPID | CloneFlags.NEWNS | CloneFlags.NEWUTS | CloneFlags.NEWIPC
            | CloneFlags.NEWNET;
    private static final List<String> NAMESPACES = List.of("pid", "pid_for_children", "mnt", "uts", "ipc", "net", "cgroup", "user");

    private final Syscalls sys = Syscalls.linux();
    private final SpawnedChildren children = new SpawnedChildren(sys);
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final List<Path> cgroupsToRemove = new ArrayList<>();

    @BeforeEach
    void needsRootAndBusybox() throws IOException {
        assumeTrue(isRoot(), "needs root");
        assumeTrue(Files.isExecutable(Path.of(BUSYBOX)), "needs " + BUSYBOX);
    }

    @AfterEach
    void cleanUp() throws Exception {
        children.killAll();
        while (!toClose.isEmpty()) toClose.pop().close();
        for (Path cg : cgroupsToRemove) removeCgroup(cg);
    }

    static boolean isRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    // ---------------------------------------------------------------- helpers

    /** An fd of this process that the test owns; closed once, by the test or at the end. */
    private final class Fd implements AutoCloseable {
        final int fd;
        private boolean closed;

        Fd(int fd) {
            this.fd = fd;
            toClose.push(this);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                sys.close(fd);
            }
        }
    }

    private Fd open(String path, int flags) {
        return new Fd(sys.open(path, flags, 0));
    }

    /** A running busybox shell: its pid, its stdout+stderr, and (when asked for) its stdin. */
    private final class Child {
        final int pid;
        final BufferedReader out;
        final OutputStream in;

        Child(int pid, BufferedReader out, OutputStream in) {
            this.pid = pid;
            this.out = out;
            this.in = in;
        }

        /** The next line of output; fails on end of output. */
        String line() throws IOException {
            String l = out.readLine();
            assertNotNull(l, "child " + pid + " ended its output early");
            return l;
        }

        /** Lines until (not including) the one equal to marker. */
        List<String> linesUntil(String marker) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String l = line(); !l.equals(marker); l = line()) lines.add(l);
            return lines;
        }

        String rest() throws IOException {
            return out.lines().collect(Collectors.joining("\n"));
        }

        WaitStatus reap() {
            WaitStatus s = sys.waitpid(pid, 0);
            children.reaped(pid);
            return s;
        }
    }

    /**
     * Spawns {@code busybox sh -c script} with stdout and stderr to a pipe; with {@code withStdin} its stdin is a
     * pipe too (closing it lets a child blocked on stdin end), else /dev/null.
     */
    private Child spawn(String script, boolean withStdin, Consumer<SpawnRequest.Builder> more) {
        int[] out = sys.pipe();
        InputStream outStream = FdStreams.input(sys, out[0]);
        toClose.push(outStream);
        int[] in = withStdin ? sys.pipe() : null;
        OutputStream inStream = null;
        if (in != null) {
            inStream = FdStreams.output(sys, in[1]);
            toClose.push(inStream);
        }
        Fd devNull = open("/dev/null", OpenFlags.RDWR);
        try {
            SpawnRequest.Builder b = SpawnRequest.builder(BUSYBOX).argv(List.of("sh", "-c", script))
                    .fd(0, in != null ? in[0] : devNull.fd).fd(1, out[1]).fd(2, out[1]);
            more.accept(b);
            int pid = sys.spawn(b.build());
            children.add(pid);
            return new Child(pid, new BufferedReader(new InputStreamReader(outStream, StandardCharsets.UTF_8)), inStream);
        } finally {
            // Only the child keeps the other ends: end of file comes when it exits.
            sys.close(out[1]);
            if (in != null) sys.close(in[0]);
            devNull.close();
        }
    }

    /** This thread's namespaces, as the links of /proc/thread-self/ns. */
    private static Map<String, String> threadNamespaces() throws IOException {
        Map<String, String> ns = new LinkedHashMap<>();
        for (String name : NAMESPACES) {
            ns.put(name, Files.readSymbolicLink(Path.of("/proc/thread-self/ns", name)).toString());
        }
        return ns;
    }

    private static String namespaceOf(int pid, String name) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + name)).toString();
    }

    /** The fds a process has open, from /proc (outside the process: nothing it opens to look is counted). */
    private static Set<Integer> fdsOf(int pid) throws IOException {
        Set<Integer> fds = new TreeSet<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : dir) fds.add(Integer.parseInt(p.getFileName().toString()));
        }
        return fds;
    }

    private static Map<Integer, String> links(int pid, Set<Integer> fds) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (int fd : fds) {
            try {
                out.put(fd, Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString());
            } catch (IOException e) {
                out.put(fd, "?");
            }
        }
        return out;
    }

    /** Zombie children of this JVM: a spawn that failed must not leave one. */
    private static Set<Integer> zombieChildren() throws IOException {
        long self = ProcessHandle.current().pid();
        Set<Integer> zombies = new TreeSet<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (f[0].equals("Z") && Long.parseLong(f[1]) == self) zombies.add(Integer.parseInt(p.getFileName().toString()));
            }
        }
        return zombies;
    }

    /** One read at offset 0: a sysctl file answers a read at any other offset with end of file. */
    private static String readSysctl(String path) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return new String(in.readNBytes(256), StandardCharsets.UTF_8).trim();
        }
    }

    private static void removeCgroup(Path cg) throws InterruptedException {
        // A reaped child leaves its cgroup at once, but the kernel may report it busy for a moment.
        for (int attempt = 0; attempt < 100 && Files.exists(cg); attempt++) {
            try {
                Files.delete(cg);
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
    }

    // ---------------------------------------------------------------- what a JVM thread cannot do

    /** Why the runtime refuses user namespaces: a multithreaded process cannot create one (unshare(2)). */
    @Test
    void aJvmThreadCannotCreateAUserNamespace() throws IOException {
        Map<String, String> before = threadNamespaces();
        SyscallException e = assertThrows(SyscallException.class, () -> sys.unshare(CloneFlags.NEWUSER));
        assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
        assertEquals(before, threadNamespaces());
    }

    /** Why namespaces are joined in the spawned child: the JVM's threads share one fs_struct (setns(2)). */
    @Test
    void aJvmThreadCannotJoinAMountNamespace() throws IOException {
        Map<String, String> before = threadNamespaces();
        try (Fd mnt = open("/proc/self/ns/mnt", OpenFlags.RDONLY)) {
            SyscallException e = assertThrows(SyscallException.class, () -> sys.setns(mnt.fd, CloneFlags.NEWNS));
            assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
        }
        assertEquals(before, threadNamespaces());
    }

    // ---------------------------------------------------------------- what spawn does instead

    @Test
    void aSpawnedChildIsPidOneOfItsOwnNamespacesAndThisThreadStaysWhereItWas() throws IOException {
        Map<String, String> before = threadNamespaces();
        Child c = spawn("echo pid=$$; for n in pid mnt uts ipc net cgroup; do echo $n=$(/bin/busybox readlink /proc/self/ns/$n); done",
                false, b -> b.newNamespaces(ALL_NEW));
        assertEquals("pid=1", c.line(), "the child is PID 1 of its new pid namespace");
        Map<String, String> childNs = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            String[] kv = c.line().split("=", 2);
            childNs.put(kv[0], kv[1]);
        }
        WaitStatus status = c.reap();
        assertTrue(status.exited() && status.exitCode() == 0, status.toString());

        for (String ns : List.of("pid", "mnt", "uts", "ipc", "net")) {
            assertNotEquals(before.get(ns), childNs.get(ns), "the child has a " + ns + " namespace of its own");
        }
        assertEquals(before.get("cgroup"), childNs.get("cgroup"), "no cgroup namespace was asked for");
        assertEquals(before, threadNamespaces(), "the spawning thread's namespaces are unchanged");
    }

    @Test
    void aSpawnedChildHasOnlyTheFdsItWasGiven() throws IOException {
        // An fd of this process without close-on-exec (dup2 clears it): the kind that leaks into children.
        Fd devNull = open("/dev/null", OpenFlags.RDWR);
        Fd leaky = new Fd(sys.dup(devNull.fd));
        sys.dup2(devNull.fd, leaky.fd);
        String fdinfo = Files.readString(Path.of("/proc/self/fdinfo/" + leaky.fd));
        long openFlags = Long.parseLong(fdinfo.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow()
                .substring(6).trim(), 8);
        assertEquals(0, openFlags & 02000000, "precondition: fd " + leaky.fd + " is not close-on-exec");

        Map<String, String> before = threadNamespaces();
        // 5 is mapped and 3, 4 are not: whatever this process has there must not reach the child either.
        Child c = spawn("echo ready; exec /bin/busybox cat", true, b -> b.newNamespaces(ALL_NEW).fd(5, devNull.fd));
        assertEquals("ready", c.line());
        // Once cat echoes, the shell has exec'd it: its fds are the final ones.
        c.in.write("ping\n".getBytes(StandardCharsets.US_ASCII));
        c.in.flush();
        assertEquals("ping", c.line());

        Set<Integer> fds = fdsOf(c.pid);
        assertEquals(Set.of(0, 1, 2, 5), fds, "the child must have only the fds it was given, not " + links(c.pid, fds));
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc/" + c.pid + "/fd/5")));
        assertTrue(Files.readSymbolicLink(Path.of("/proc/" + c.pid + "/fd/0")).toString().startsWith("pipe:"));

        c.in.close();
        assertEquals("", c.rest());
        WaitStatus status = c.reap();
        assertTrue(status.exited() && status.exitCode() == 0, status.toString());
        assertEquals(before, threadNamespaces());
    }

    @Test
    void aChildIsBornInTheCgroupItWasGivenWithItAsTheRootOfItsCgroupNamespace() throws Exception {
        Path pids = Path.of("/sys/fs/cgroup/pids");
        assumeTrue(Files.exists(pids.resolve("cgroup.procs")), "needs the v1 pids hierarchy at " + pids);
        Path cg = pids.resolve("wasmj-unit-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        Files.createDirectory(cg);
        cgroupsToRemove.add(cg);
        Map<String, String> before = threadNamespaces();

        Child c;
        try (Fd procs = open(cg.resolve("cgroup.procs").toString(), OpenFlags.WRONLY)) {
            c = spawn("/bin/busybox cat /proc/self/cgroup; echo end; exec /bin/busybox cat", true,
                    b -> b.newNamespaces(CloneFlags.NEWCGROUP).cgroupProcsFd(procs.fd));
        }
        List<String> inside = c.linesUntil("end");
        String insidePids = inside.stream().filter(l -> l.matches("\\d+:pids:.*")).findFirst().orElseThrow(
                () -> new AssertionError("no pids line in " + inside));
        assertTrue(insidePids.endsWith(":pids:/"), "inside its cgroup namespace the child's cgroup is the root: " + inside);

        // The host sees the child in that cgroup, at its full path.
        assertTrue(Files.readAllLines(cg.resolve("cgroup.procs")).contains(Integer.toString(c.pid)),
                "host's " + cg + "/cgroup.procs lists " + c.pid);
        assertTrue(Files.readAllLines(Path.of("/proc/" + c.pid + "/cgroup")).contains(
                insidePids.substring(0, insidePids.length() - 1) + "/" + cg.getFileName()), "host view of the child");
        assertNotEquals(before.get("cgroup"), namespaceOf(c.pid, "cgroup"), "a cgroup namespace of its own");

        c.in.close();
        WaitStatus status = c.reap();
        assertTrue(status.exited() && status.exitCode() == 0, status.toString());
        assertEquals(List.of(), Files.readAllLines(cg.resolve("cgroup.procs")), "the cgroup is empty again");
        removeCgroup(cg);
        assertFalse(Files.exists(cg));
        assertEquals(before, threadNamespaces(), "this thread's cgroup namespace is unchanged");
    }

    @Test
    void withoutACgroupNamespaceTheChildSeesItsHostPath() throws Exception {
        Path pids = Path.of("/sys/fs/cgroup/pids");
        assumeTrue(Files.exists(pids.resolve("cgroup.procs")), "needs the v1 pids hierarchy at " + pids);
        Path cg = pids.resolve("wasmj-unit-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        Files.createDirectory(cg);
        cgroupsToRemove.add(cg);
        Child c;
        try (Fd procs = open(cg.resolve("cgroup.procs").toString(), OpenFlags.WRONLY)) {
            c = spawn("/bin/busybox cat /proc/self/cgroup", false, b -> b.cgroupProcsFd(procs.fd));
        }
        String out = c.rest();
        assertTrue(c.reap().exited());
        assertTrue(out.lines().anyMatch(l -> l.matches("\\d+:pids:/" + cg.getFileName())), out);
    }

    @Test
    void aChildJoinsTheNamespacesOfAnotherByFd() throws Exception {
        String hostname = "wasmj-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xffffff);
        String hostHostname = readSysctl("/proc/sys/kernel/hostname");
        Map<String, String> before = threadNamespaces();

        Child a = spawn("/bin/busybox hostname " + hostname + " && echo pid=$$ && exec /bin/busybox cat", true,
                b -> b.newNamespaces(CloneFlags.NEWUTS | CloneFlags.NEWPID));
        assertEquals("pid=1", a.line(), "A is PID 1 of its namespace");
        String aPidNs = namespaceOf(a.pid, "pid");
        String aUtsNs = namespaceOf(a.pid, "uts");

        Child b;
        try (Fd uts = open("/proc/" + a.pid + "/ns/uts", OpenFlags.RDONLY);
                Fd pid = open("/proc/" + a.pid + "/ns/pid", OpenFlags.RDONLY)) {
            b = spawn("echo host=$(/bin/busybox hostname); echo pid=$$; "
                    + "echo pidns=$(/bin/busybox readlink /proc/self/ns/pid); echo utsns=$(/bin/busybox readlink /proc/self/ns/uts)",
                    false, s -> s.joinNamespace(uts.fd, CloneFlags.NEWUTS).joinNamespace(pid.fd, CloneFlags.NEWPID));
        }
        assertEquals("host=" + hostname, b.line(), "B sees the hostname A set in their UTS namespace");
        String bPid = b.line();
        assertTrue(bPid.matches("pid=\\d+") && !bPid.equals("pid=1"), "B is in A's pid namespace, where A is 1: " + bPid);
        assertEquals("pidns=" + aPidNs, b.line());
        assertEquals("utsns=" + aUtsNs, b.line());
        WaitStatus bStatus = b.reap();
        assertTrue(bStatus.exited() && bStatus.exitCode() == 0, bStatus.toString());

        assertEquals(before, threadNamespaces(), "pid_for_children was switched back after the clone");
        assertEquals(hostHostname, readSysctl("/proc/sys/kernel/hostname"), "the host's hostname is untouched");

        a.in.close();
        WaitStatus aStatus = a.reap();
        assertTrue(aStatus.exited() && aStatus.exitCode() == 0, aStatus.toString());
    }

    @Test
    void aSpawnOfAMissingProgramFailsWithEnoentAndLeavesNoZombie() throws IOException {
        for (int flags : new int[] {0, ALL_NEW}) {
            Set<Integer> zombiesBefore = zombieChildren();
            Map<String, String> before = threadNamespaces();
            try (Fd devNull = open("/dev/null", OpenFlags.RDWR)) {
                SpawnRequest request = SpawnRequest.builder("/nonexistent/wasmj-nope").fd(0, devNull.fd)
                        .fd(1, devNull.fd).fd(2, devNull.fd).newNamespaces(flags).build();
                SyscallException e = assertThrows(SyscallException.class, () -> sys.spawn(request));
                assertEquals("spawn: execve", e.call());
                assertEquals(Errno.ENOENT, e.errno());
                assertTrue(e.getMessage().startsWith("spawn: execve: No such file or directory"), e.getMessage());
            }
            assertEquals(zombiesBefore, zombieChildren(), "no zombie left (namespaces " + Integer.toHexString(flags) + ")");
            assertEquals(before, threadNamespaces());
        }
    }

    @Test
    void aFailedStepBeforeExecIsNamedInTheError() throws IOException {
        try (Fd devNull = open("/dev/null", OpenFlags.RDWR)) {
            Set<Integer> zombiesBefore = zombieChildren();
            // /dev/null is not a namespace: setns refuses it.
            SyscallException e = assertThrows(SyscallException.class, () -> sys.spawn(SpawnRequest.builder(BUSYBOX)
                    .argv(List.of("true")).fd(0, devNull.fd).fd(1, devNull.fd).fd(2, devNull.fd)
                    .joinNamespace(devNull.fd, CloneFlags.NEWUTS).build()));
            assertEquals("spawn: setns", e.call());
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals(zombiesBefore, zombieChildren());
        }
    }
}
