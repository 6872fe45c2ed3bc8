package dev.wasmj.libcontainer.syscall;

/**
 * The JNI entry points of libcontainerj.so (src/main/c/containerj.c). Every method throws
 * {@link SyscallException} on failure. Use {@link Syscalls} instead: this class is the seam's far side.
 */
final class Native {
    static {
        NativeLibrary.load();
    }

    private Native() {}

    static native int spawn(String path, String[] argv, String[] envp, int[] fdMap, int closeFrom, int cloneFlags,
            int[] setnsFdTypePairs, int[] cgroupProcsFds, int pidNsFd, boolean unshareCgroupNs, int session,
            String cwd, boolean applyCredentials, int uid, int gid, int[] groups, long[] capabilities,
            boolean noNewPrivileges, byte[] seccompFilter, int seccompFlags, int userNsFd, String uidMap, String gidMap);

    static native void execWorkload(String path, String[] argv, String[] envp, int[] fdMap, int closeFrom, int uid,
            int gid, int[] groups, long[] capabilities, boolean noNewPrivileges, byte[] seccompFilter, int seccompFlags);

    static native void confineProcess(int uid, int gid, int[] groups, long[] capabilities, boolean noNewPrivileges,
            byte[] seccompFilter, int seccompFlags, int timeoutMillis);

    static native int poll(int fd, int events, int timeoutMillis);

    static native int bpfLoadDeviceFilter(byte[] program);

    static native void bpfAttachDeviceFilter(int cgroupFd, int programFd);

    static native int[] socketpair();

    static native int[] pipe();

    static native int read(int fd, byte[] buf, int off, int len);

    static native int write(int fd, byte[] buf, int off, int len);

    static native void close(int fd);

    static native int dup(int fd);

    static native void dup2(int from, int to);

    static native int open(String path, int flags, int mode);

    static native void mkfifo(String path, int mode);

    static native void kill(int pid, int signal);

    static native void setGroupPriority(int pgid, int niceness);

    static native long waitpid(int pid, int options);

    static native int pidfdOpen(int pid);

    static native void pidfdSendSignal(int pidfd, int signal);

    static native void mount(String source, String target, String type, long flags, String data);

    static native void umount2(String target, int flags);

    static native void pivotRoot(String newRoot, String putOld);

    static native void chdir(String path);

    static native void sethostname(String name);

    static native void setdomainname(String name);

    static native void mknod(String path, int mode, int major, int minor);

    static native void setns(int fd, int nstype);

    static native void unshare(int flags);

    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    static native void setrlimit(int resource, long soft, long hard);

    static native int getpid();

    static native int gettid();

    static native void umask(int mask);

    static native void sendFd(int socket, int fd, String name);

    static native int recvFd(int socket);

    static native int openTreeClone(String path);

    static native void moveMount(int fd, String target);

    static native void sendFds(int socket, int[] fds, byte[] payload);

    static native int recvFds(int socket, int[] fdsOut, byte[] payload);

    static native int[] openpty();

    static native void setControllingTerminal(int fd);

    static native int[] openPtyAt(String ptmx, String ptsDirectory);

    static native int[] openPtyIn(String root);

    static native void setWindowSize(int fd, int rows, int cols);

    static native int connectUnix(String path);

    static native int listenUnix(String path);

    static native int accept(int fd);
}
