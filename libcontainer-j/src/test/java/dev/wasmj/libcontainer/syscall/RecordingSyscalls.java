package dev.wasmj.libcontainer.syscall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A {@link Syscalls} that makes no system call: it records each call as a readable line, e.g.
 * {@code mount(proc, /r/proc, proc, 0xe, null)}, {@code pivotRoot(., .)}, {@code sethostname(h)}, and
 * fails the calls a test asked to fail ({@link #failOn}). Calls that return fds return fresh fake fds
 * (1000, 1001, ...); a fake pid is 4242 and a fake wait reports an exit with status 0.
 *
 * <p>Arguments are printed as given; nulls as {@code null}; mount flags in hex; modes in octal. The one
 * side effect: {@link #mknod} creates an empty regular file where the node would be, so that code which
 * chmods or chowns the node afterwards (as {@code Devices} does) can run.
 */
public final class RecordingSyscalls implements Syscalls {
    /** The fake pid of every spawned child. */
    public static final int FAKE_PID = 4242;

    private final List<String> calls = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final java.util.Map<Integer, Integer> pollAnswers = new java.util.HashMap<>();
    private Integer pollAnswerForAll;
    private int nextFd = 1000;

    private record Failure(String call, String argument, int errno) {}

    /** Makes every later call named {@code call} fail with errno when one of its arguments equals {@code argument} (null: any). */
    public synchronized RecordingSyscalls failOn(String call, String argument, int errno) {
        failures.add(new Failure(call, argument, errno));
        return this;
    }

    /** A copy of the calls made so far, in order. */
    /** What poll answers for this fd from now on (default: the events asked for, as if they occurred). */
    public synchronized RecordingSyscalls pollAnswer(int fd, int revents) {
        pollAnswers.put(fd, revents);
        return this;
    }

    /** What poll answers for every fd without an answer of its own (default: the events asked for). */
    public synchronized RecordingSyscalls pollAnswerForAll(int revents) {
        pollAnswerForAll = revents;
        return this;
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** The calls made so far whose line starts with {@code prefix}, in order. */
    public synchronized List<String> callsStartingWith(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).collect(Collectors.toList());
    }

    /** The position of the first call equal to {@code line}, or -1. */
    public synchronized int indexOf(String line) {
        return calls.indexOf(line);
    }

    /** How many calls were made so far. */
    public synchronized int count() {
        return calls.size();
    }

    private synchronized void record(String name, Object... args) {
        String line = name + "(" + Arrays.stream(args).map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        calls.add(line);
        for (Failure f : failures) {
            if (!f.call.equals(name)) continue;
            if (f.argument == null || Arrays.stream(args).anyMatch(a -> Objects.equals(String.valueOf(a), f.argument))) {
                throw new SyscallException(name, f.errno, describe(f.errno));
            }
        }
    }

    private synchronized int fd() {
        return nextFd++;
    }

    private static String describe(int errno) {
        return switch (errno) {
            case Errno.EPERM -> "Operation not permitted";
            case Errno.ENOENT -> "No such file or directory";
            case Errno.EINVAL -> "Invalid argument";
            case Errno.EBUSY -> "Device or resource busy";
            default -> "errno " + errno;
        };
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static String octal(int value) {
        return value == 0 ? "0" : "0" + Integer.toOctalString(value);
    }

    // --- processes

    @Override
    public int spawn(SpawnRequest r) {
        record("spawn", r.executable(), r.argv());
        record("childFds", new java.util.TreeMap<>(r.fdMap()));
        return FAKE_PID;
    }

    @Override
    public void exec(ExecRequest r) {
        record("exec", r.path(), r.argv());
    }

    @Override
    public void kill(int pid, int signal) {
        record("kill", pid, signal);
    }

    @Override
    public void setGroupPriority(int pgid, int niceness) {
        record("setGroupPriority", pgid, niceness);
    }

    /**
     * Recorded as {@code confineProcess(uid=1000, gid=1000, groups=[10], caps=[bnd 0x.., eff 0x.., prm 0x.., inh 0x..,
     * amb 0x..], nnp=true, seccomp=24 insns)}; {@code caps=keep} and {@code seccomp=none} when absent.
     */
    @Override
    public void confineProcess(Credentials c) {
        String caps = "keep";
        if (c.capabilities() != null) {
            long[] m = c.capabilities();
            caps = String.format("[bnd 0x%x, eff 0x%x, prm 0x%x, inh 0x%x, amb 0x%x]", m[0], m[1], m[2], m[3], m[4]);
        }
        record("confineProcess", "uid=" + c.uid(), "gid=" + c.gid(), "groups=" + Arrays.toString(c.additionalGids()),
                "caps=" + caps, "nnp=" + c.noNewPrivileges(),
                "seccomp=" + (c.seccompFilter() == null ? "none" : c.seccompFilter().length / 8 + " insns"));
    }

    @Override
    public WaitStatus waitpid(int pid, int options) {
        record("waitpid", pid, options);
        return new WaitStatus(pid, 0);
    }

    @Override
    public int pidfdOpen(int pid) {
        record("pidfdOpen", pid);
        return fd();
    }

    @Override
    public void pidfdSendSignal(int pidfd, int signal) {
        record("pidfdSendSignal", pidfd, signal);
    }

    @Override
    public int getpid() {
        record("getpid");
        return FAKE_PID;
    }

    @Override
    public int gettid() {
        record("gettid");
        return FAKE_PID;
    }

    // --- file descriptors

    @Override
    public int[] socketpair() {
        record("socketpair");
        return new int[] {fd(), fd()};
    }

    @Override
    public int[] pipe() {
        record("pipe");
        return new int[] {fd(), fd()};
    }

    @Override
    public int open(String path, int flags, int mode) {
        record("open", path, hex(flags), octal(mode));
        return fd();
    }

    /** What {@link #readsInput} gave, then (or else) end of file. */
    @Override
    public int read(int fd, byte[] buffer, int offset, int length) {
        record("read", fd, length);
        synchronized (this) {
            if (input.length > inputAt && length > 0) {
                int n = Math.min(length, input.length - inputAt);
                System.arraycopy(input, inputAt, buffer, offset, n);
                inputAt += n;
                return n;
            }
            if (readBytes > 0 && length > 0) {
                readBytes--;
                return 1;
            }
        }
        return 0;
    }

    private byte[] input = new byte[0];
    private int inputAt;

    /** Reads of any fd return these bytes first (e.g. a message an init sends over its sync socket). */
    public synchronized RecordingSyscalls readsInput(byte[] bytes) {
        input = bytes.clone();
        inputAt = 0;
        return this;
    }

    private int readBytes;

    /** The next {@code count} reads return one byte each (e.g. the start gate's), then reads see end of file. */
    public synchronized RecordingSyscalls readsReturnOneByte(int count) {
        readBytes = count;
        return this;
    }

    /** Always writes everything. */
    @Override
    public int write(int fd, byte[] buffer, int offset, int length) {
        record("write", fd, length);
        return length;
    }

    @Override
    public void close(int fd) {
        record("close", fd);
    }

    @Override
    public int dup(int fd) {
        record("dup", fd);
        return fd();
    }

    @Override
    public void dup2(int from, int to) {
        record("dup2", from, to);
    }

    @Override
    public void mkfifo(String path, int mode) {
        record("mkfifo", path, octal(mode));
    }

    /** Recorded as {@code bpfLoadDeviceFilter(<n> insns)}; the program itself is kept ({@link #lastDeviceFilter}). */
    @Override
    public int bpfLoadDeviceFilter(byte[] program) {
        record("bpfLoadDeviceFilter", program.length / 8 + " insns");
        synchronized (this) {
            lastDeviceFilter = program.clone();
        }
        return fd();
    }

    private byte[] lastDeviceFilter;

    /** The last device filter loaded, or null. */
    public synchronized byte[] lastDeviceFilter() {
        return lastDeviceFilter == null ? null : lastDeviceFilter.clone();
    }

    @Override
    public void bpfAttachDeviceFilter(int cgroupFd, int programFd) {
        record("bpfAttachDeviceFilter", cgroupFd, programFd);
    }

    /** Every fd is readable at once: a test's fd is a file it prepared. */
    @Override
    public int poll(int fd, int events, int timeoutMillis) {
        record("poll", fd, events, timeoutMillis);
        synchronized (this) {
            return pollAnswers.getOrDefault(fd, pollAnswerForAll != null ? pollAnswerForAll : events);
        }
    }

    @Override
    public void sendFd(int socket, int fd, String name) {
        record("sendFd", socket, fd, name);
    }

    @Override
    public int recvFd(int socket) {
        record("recvFd", socket);
        return fd();
    }

    @Override
    public int openTreeClone(String path) {
        record("openTreeClone", path);
        return fd();
    }

    @Override
    public void moveMount(int fd, String target) {
        record("moveMount", fd, target);
    }

    @Override
    public void sendFds(int socket, int[] fds, byte[] payload) {
        record("sendFds", socket, java.util.Arrays.toString(fds), new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int recvFds(int socket, int[] fdsOut, byte[] payload) {
        record("recvFds", socket);
        java.util.Arrays.fill(fdsOut, -1);
        synchronized (this) {
            if (claimText == null) return 0;
            System.arraycopy(claimFds, 0, fdsOut, 0, claimFds.length);
            byte[] text = claimText.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            System.arraycopy(text, 0, payload, 0, text.length);
            return text.length;
        }
    }

    private int[] claimFds;
    private String claimText;

    /** What recvFds receives (default: end of file): these fds, with this text. */
    public synchronized RecordingSyscalls receivesFds(int[] fds, String text) {
        claimFds = fds.clone();
        claimText = text;
        return this;
    }

    @Override
    public int[] openpty() {
        record("openpty");
        return new int[] {fd(), fd()};
    }

    @Override
    public void setControllingTerminal(int fd) {
        record("setControllingTerminal", fd);
    }

    @Override
    public int[] openPtyAt(String ptmx, String ptsDirectory) {
        record("openPtyAt", ptmx, ptsDirectory);
        return new int[] {fd(), fd()};
    }

    @Override
    public int[] openPtyIn(String root) {
        record("openPtyIn", root);
        return new int[] {fd(), fd()};
    }

    @Override
    public void setWindowSize(int fd, int rows, int cols) {
        record("setWindowSize", fd, rows, cols);
    }

    @Override
    public int connectUnix(String path) {
        record("connectUnix", path);
        return fd();
    }

    @Override
    public int listenUnix(String path) {
        record("listenUnix", path);
        return fd();
    }

    @Override
    public int accept(int listeningFd) {
        record("accept", listeningFd);
        return fd();
    }

    // --- mounts and the filesystem

    @Override
    public void mount(String source, String target, String type, long flags, String data) {
        record("mount", source, target, type, hex(flags), data);
    }

    @Override
    public void umount2(String target, int flags) {
        record("umount2", target, hex(flags));
    }

    @Override
    public void pivotRoot(String newRoot, String putOld) {
        record("pivotRoot", newRoot, putOld);
    }

    @Override
    public void chdir(String path) {
        record("chdir", path);
    }

    @Override
    public void mknod(String path, int mode, int major, int minor) {
        record("mknod", path, octal(mode), major, minor);
        Path p = Path.of(path);
        if (Files.isDirectory(p.getParent()) && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createFile(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void umask(int mask) {
        record("umask", octal(mask));
    }

    // --- namespaces and process attributes

    @Override
    public void setns(int fd, int cloneFlag) {
        record("setns", fd, hex(cloneFlag));
    }

    @Override
    public void unshare(int cloneFlags) {
        record("unshare", hex(cloneFlags));
    }

    @Override
    public void sethostname(String name) {
        record("sethostname", name);
    }

    @Override
    public void setdomainname(String name) {
        record("setdomainname", name);
    }

    @Override
    public int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        record("prctl", option, arg2, arg3, arg4, arg5);
        return 0;
    }

    @Override
    public void setrlimit(int resource, long soft, long hard) {
        record("setrlimit", resource, soft, hard);
    }
}
