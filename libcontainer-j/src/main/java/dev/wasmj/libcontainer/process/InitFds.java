package dev.wasmj.libcontainer.process;

/**
 * The fd layout of a freshly spawned init JVM. The container's stdio is kept away from 0-2 until the
 * workload starts, so nothing the JVM itself prints (warnings, a crash report) can reach the container's
 * output; the init's own diagnostics go to the runtime's log.
 */
public final class InitFds {
    /** /dev/null. */
    public static final int JVM_STDIN = 0;
    /** The runtime's log (the init's diagnostics and anything the JVM prints). */
    public static final int LOG = 2;
    /** The socketpair to the runtime: the plan comes in, READY or ERROR goes out. */
    public static final int SYNC = 3;
    /** The container's stdin, stdout and stderr; they become 0, 1, 2 of the workload. */
    public static final int CONTAINER_STDIN = 4;
    public static final int CONTAINER_STDOUT = 5;
    public static final int CONTAINER_STDERR = 6;
    /**
     * The start gate (the container's exec fifo, opened read-write by the runtime): {@code start} writes a byte.
     * The runtime opens the fifos, not the init: a container root mapped to another host uid could not.
     */
    public static final int START_GATE = 7;
    /** The start-result fifo (read-write): where the init tells {@code start} why the workload did not start. */
    public static final int START_RESULT = 8;
    /** The console socket (--console-socket) when the process wants a terminal: the pty master goes there. */
    public static final int CONSOLE_SOCKET = 9;
    /** The first of the preserved fds (runc's --preserve-fds); they become 3, 4, ... of the workload. */
    public static final int FIRST_PRESERVED = 10;

    private InitFds() {}
}
