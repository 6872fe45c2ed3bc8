package dev.wasmj.libcontainer.syscall;

/** {@link Syscalls} made for real through libcontainerj.so. */
final class LinuxSyscalls implements Syscalls {
    static final LinuxSyscalls INSTANCE = new LinuxSyscalls();

    private LinuxSyscalls() {}

    /** How long the threads of a JVM get to take a workload's identity (they take microseconds). */
    private static final int CONFINE_TIMEOUT_MILLIS = 5_000;

    @Override
    public int spawn(SpawnRequest r) {
        Credentials c = r.credentials();
        return Native.spawn(r.executable(), r.argv().toArray(String[]::new), r.env().toArray(String[]::new),
                r.fdMapPairs(), r.closeFrom(), r.newNamespaces(), r.joinPairs(), r.cgroupProcsFds(),
                r.pidNamespaceFd(), r.newCgroupNamespace(), r.controllingTerminal() ? 2 : r.newSession() ? 1 : 0, r.cwd(), c != null,
                c == null ? 0 : c.uid(), c == null ? 0 : c.gid(), c == null ? null : c.additionalGids(),
                c == null ? null : c.capabilities(), c != null && c.noNewPrivileges(),
                c == null ? null : c.seccompFilter(), c == null ? 0 : c.seccompFlags(), r.userNamespaceFd(),
                r.uidMap(), r.gidMap());
    }

    @Override
    public void exec(ExecRequest r) {
        Native.execWorkload(r.path(), r.argv().toArray(String[]::new), r.env().toArray(String[]::new),
                r.fdMapPairs(), r.closeFrom(), r.uid(), r.gid(), r.additionalGids(), r.capabilities(),
                r.noNewPrivileges(), r.seccompFilter(), r.seccompFlags());
    }

    @Override
    public void confineProcess(Credentials c) {
        Native.confineProcess(c.uid(), c.gid(), c.additionalGids(), c.capabilities(), c.noNewPrivileges(),
                c.seccompFilter(), c.seccompFlags(), CONFINE_TIMEOUT_MILLIS);
    }

    @Override
    public void kill(int pid, int signal) {
        Native.kill(pid, signal);
    }

    @Override
    public void setGroupPriority(int pgid, int niceness) {
        Native.setGroupPriority(pgid, niceness);
    }

    @Override
    public WaitStatus waitpid(int pid, int options) {
        long r = Native.waitpid(pid, options);
        int reaped = (int) (r >>> 32);
        return reaped == 0 ? null : new WaitStatus(reaped, (int) r);
    }

    @Override
    public int pidfdOpen(int pid) {
        return Native.pidfdOpen(pid);
    }

    @Override
    public void pidfdSendSignal(int pidfd, int signal) {
        Native.pidfdSendSignal(pidfd, signal);
    }

    @Override
    public int getpid() {
        return Native.getpid();
    }

    @Override
    public int gettid() {
        return Native.gettid();
    }

    @Override
    public int[] socketpair() {
        return Native.socketpair();
    }

    @Override
    public int[] pipe() {
        return Native.pipe();
    }

    @Override
    public int open(String path, int flags, int mode) {
        return Native.open(path, flags, mode);
    }

    @Override
    public int read(int fd, byte[] buffer, int offset, int length) {
        return Native.read(fd, buffer, offset, length);
    }

    @Override
    public int write(int fd, byte[] buffer, int offset, int length) {
        return Native.write(fd, buffer, offset, length);
    }

    @Override
    public void close(int fd) {
        Native.close(fd);
    }

    @Override
    public int dup(int fd) {
        return Native.dup(fd);
    }

    @Override
    public void dup2(int from, int to) {
        Native.dup2(from, to);
    }

    @Override
    public void mkfifo(String path, int mode) {
        Native.mkfifo(path, mode);
    }

    @Override
    public int poll(int fd, int events, int timeoutMillis) {
        return Native.poll(fd, events, timeoutMillis);
    }

    @Override
    public void sendFd(int socket, int fd, String name) {
        Native.sendFd(socket, fd, name);
    }

    @Override
    public int recvFd(int socket) {
        return Native.recvFd(socket);
    }

    @Override
    public int openTreeClone(String path) {
        return Native.openTreeClone(path);
    }

    @Override
    public void moveMount(int fd, String target) {
        Native.moveMount(fd, target);
    }

    @Override
    public void sendFds(int socket, int[] fds, byte[] payload) {
        Native.sendFds(socket, fds, payload);
    }

    @Override
    public int recvFds(int socket, int[] fdsOut, byte[] payload) {
        return Native.recvFds(socket, fdsOut, payload);
    }

    @Override
    public int[] openpty() {
        return Native.openpty();
    }

    @Override
    public void setControllingTerminal(int fd) {
        Native.setControllingTerminal(fd);
    }

    @Override
    public int[] openPtyAt(String ptmx, String ptsDirectory) {
        return Native.openPtyAt(ptmx, ptsDirectory);
    }

    @Override
    public int[] openPtyIn(String root) {
        return Native.openPtyIn(root);
    }

    @Override
    public void setWindowSize(int fd, int rows, int cols) {
        Native.setWindowSize(fd, rows, cols);
    }

    @Override
    public int connectUnix(String path) {
        try {
            return Native.connectUnix(path);
        } catch (SyscallException e) {
            throw e.withContext("connect " + path);
        }
    }

    @Override
    public int listenUnix(String path) {
        return Native.listenUnix(path);
    }

    @Override
    public int accept(int listeningFd) {
        return Native.accept(listeningFd);
    }

    @Override
    public int bpfLoadDeviceFilter(byte[] program) {
        return Native.bpfLoadDeviceFilter(program);
    }

    @Override
    public void bpfAttachDeviceFilter(int cgroupFd, int programFd) {
        Native.bpfAttachDeviceFilter(cgroupFd, programFd);
    }

    @Override
    public void mount(String source, String target, String type, long flags, String data) {
        try {
            Native.mount(source, target, type, flags, data);
        } catch (SyscallException e) {
            throw e.withContext("mount " + (source == null ? type : source) + " on " + target);
        }
    }

    @Override
    public void umount2(String target, int flags) {
        try {
            Native.umount2(target, flags);
        } catch (SyscallException e) {
            throw e.withContext("umount " + target);
        }
    }

    @Override
    public void pivotRoot(String newRoot, String putOld) {
        Native.pivotRoot(newRoot, putOld);
    }

    @Override
    public void chdir(String path) {
        try {
            Native.chdir(path);
        } catch (SyscallException e) {
            throw e.withContext("chdir " + path);
        }
    }

    @Override
    public void mknod(String path, int mode, int major, int minor) {
        try {
            Native.mknod(path, mode, major, minor);
        } catch (SyscallException e) {
            throw e.withContext("mknod " + path);
        }
    }

    @Override
    public void umask(int mask) {
        Native.umask(mask);
    }

    @Override
    public void setns(int fd, int cloneFlag) {
        Native.setns(fd, cloneFlag);
    }

    @Override
    public void unshare(int cloneFlags) {
        Native.unshare(cloneFlags);
    }

    @Override
    public void sethostname(String name) {
        Native.sethostname(name);
    }

    @Override
    public void setdomainname(String name) {
        Native.setdomainname(name);
    }

    @Override
    public int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        return Native.prctl(option, arg2, arg3, arg4, arg5);
    }

    @Override
    public void setrlimit(int resource, long soft, long hard) {
        Native.setrlimit(resource, soft, hard);
    }
}
