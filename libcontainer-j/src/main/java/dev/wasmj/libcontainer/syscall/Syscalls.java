package dev.wasmj.libcontainer.syscall;

/**
 * Every system call libcontainer-j makes goes through this interface (the seam youki's {@code Syscall}
 * trait provides): {@link LinuxSyscalls} makes them for real, and unit tests use a recording fake.
 * Failures throw {@link SyscallException}.
 */
public interface Syscalls {

    /** The real implementation; loads libcontainerj.so on first use. */
    static Syscalls linux() {
        return LinuxSyscalls.INSTANCE;
    }

    // --- processes
    /** Starts a child as {@link SpawnRequest} describes; returns its pid (in our pid namespace). */
    int spawn(SpawnRequest request);

    /** Replaces this process with the workload; returns only by throwing. */
    void exec(ExecRequest request);

    /**
     * Gives every thread of this process the identity {@code credentials} describes (groups, gid, uid, the
     * capability sets, no_new_privs) and installs its seccomp filter on all of them (TSYNC): how an init JVM
     * confines a workload it runs in-process. The capability sets are applied as given; no execve follows
     * to derive them. Fails, naming the step (or the thread that did not follow in time), rather than leave
     * any thread with more than it should keep.
     */
    void confineProcess(Credentials credentials);

    void kill(int pid, int signal);

    /** setpriority(PRIO_PGRP): the nice value of every thread of every process of the process group. */
    void setGroupPriority(int pgid, int niceness);

    /** waitpid(pid, options); null when WNOHANG found nothing. */
    WaitStatus waitpid(int pid, int options);

    int WNOHANG = 1;

    /**
     * Waits for the child {@code pid} for at most {@code timeoutMillis} (polling every 2 ms); after that kills
     * it with SIGKILL, reaps it and returns null.
     */
    default WaitStatus waitpidOrKill(int pid, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            WaitStatus status = waitpid(pid, WNOHANG);
            if (status != null) return status;
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        kill(pid, Signals.SIGKILL);
        waitpid(pid, 0);
        return null;
    }

    int pidfdOpen(int pid);

    void pidfdSendSignal(int pidfd, int signal);

    int getpid();

    int gettid();

    // --- file descriptors
    int[] socketpair();

    int[] pipe();

    int open(String path, int flags, int mode);

    int read(int fd, byte[] buffer, int offset, int length);

    int write(int fd, byte[] buffer, int offset, int length);

    void close(int fd);

    int dup(int fd);

    void dup2(int from, int to);

    void mkfifo(String path, int mode);

    /** poll(2) on one fd: the events that occurred (POLLIN, POLLHUP, ...), or 0 when the timeout passed. */
    int poll(int fd, int events, int timeoutMillis);

    int POLLIN = 0x1;
    int POLLOUT = 0x4;

    void sendFd(int socket, int fd, String name);

    int recvFd(int socket);

    /** open_tree(OPEN_TREE_CLONE|AT_RECURSIVE): a detached copy of the mounts at {@code path}, as an fd. */
    int openTreeClone(String path);

    /** move_mount: attaches a detached tree ({@link #openTreeClone}) at {@code target} in this mount namespace. */
    void moveMount(int fd, String target);

    /** Sends up to 64 fds and a payload (1 to 4096 bytes) in one SCM_RIGHTS message. */
    void sendFds(int socket, int[] fds, byte[] payload);

    /**
     * Receives one {@link #sendFds} message: its fds (close-on-exec) into {@code fdsOut}, -1 after them, its
     * payload into {@code payload}. Returns the payload's length, 0 when the other side closed the socket.
     */
    int recvFds(int socket, int[] fdsOut, byte[] payload);

    /** {master, slave} of a new pseudo-terminal. */
    int[] openpty();

    void setControllingTerminal(int fd);

    /** {master, slave} of a new pty of the devpts instance with this ptmx and slave directory. */
    int[] openPtyAt(String ptmx, String ptsDirectory);

    /**
     * {master, slave} of a pty from {@code <root>/dev/pts/ptmx}, where root is untrusted (a running container's, via
     * /proc/<pid>/root): resolved inside root only, checked to be a devpts ptmx, the slave taken from the master.
     */
    int[] openPtyIn(String root);

    void setWindowSize(int fd, int rows, int cols);

    /** A unix stream socket connected to path. */
    int connectUnix(String path);

    /** A unix stream socket listening at path. */
    int listenUnix(String path);

    int accept(int listeningFd);

    // --- cgroup v2 device control
    /** Loads a BPF_PROG_TYPE_CGROUP_DEVICE program (eBPF instructions); returns its fd. */
    int bpfLoadDeviceFilter(byte[] program);

    /** Attaches the device filter to the cgroup directory {@code cgroupFd}, replacing the one attached before. */
    void bpfAttachDeviceFilter(int cgroupFd, int programFd);

    // --- mounts and the filesystem
    void mount(String source, String target, String type, long flags, String data);

    void umount2(String target, int flags);

    void pivotRoot(String newRoot, String putOld);

    void chdir(String path);

    void mknod(String path, int mode, int major, int minor);

    void umask(int mask);

    // --- namespaces and process attributes
    void setns(int fd, int cloneFlag);

    void unshare(int cloneFlags);

    void sethostname(String name);

    void setdomainname(String name);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    void setrlimit(int resource, long soft, long hard);
}
