package dev.wasmj.libcontainer.syscall;

/** A failed system call: the call's name, the errno, and the kernel's description of it. */
public final class SyscallException extends RuntimeException {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno, String description) {
        super(call + ": " + description + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** Adds what was being done, keeping the errno: {@code mount /proc on /x/proc: Permission denied}. */
    public SyscallException withContext(String context) {
        SyscallException e = new SyscallException(context, errno, getMessage().substring(call.length() + 2));
        e.setStackTrace(getStackTrace());
        return e;
    }
}
