package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.syscall.Syscalls;

/**
 * process.terminal: a pty from the container's own devpts instance. The master goes to whoever holds the
 * console socket (runc's protocol: one SCM_RIGHTS message); the slave becomes the container's stdio and,
 * just before exec, its controlling terminal.
 */
final class Console {
    private final Syscalls sys;

    Console(Syscalls sys) {
        this.sys = sys;
    }

    /** Called after /dev/pts is mounted in the rootfs, before pivot_root. */
    void setUp(String rootfs, ProcessPlan process) {
        int[] pty = sys.openPtyAt(rootfs + "/dev/pts/ptmx", rootfs + "/dev/pts");
        try {
            if (process.consoleRows() > 0 && process.consoleColumns() > 0) {
                sys.setWindowSize(pty[0], process.consoleRows(), process.consoleColumns());
            }
            sys.sendFd(InitFds.CONSOLE_SOCKET, pty[0], "console");
        } finally {
            sys.close(pty[0]);
            sys.close(InitFds.CONSOLE_SOCKET);
        }
        sys.dup2(pty[1], InitFds.CONTAINER_STDIN);
        sys.dup2(pty[1], InitFds.CONTAINER_STDOUT);
        sys.dup2(pty[1], InitFds.CONTAINER_STDERR);
        sys.close(pty[1]);
    }

    /** The init is a session leader (spawned with setsid): the slave becomes its controlling terminal. */
    void becomeControllingTerminal() {
        sys.setControllingTerminal(InitFds.CONTAINER_STDIN);
    }
}
