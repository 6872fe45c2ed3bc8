package dev.wasmj.libcontainer.syscall;

/** A decoded waitpid(2) status. */
public record WaitStatus(int pid, int raw) {

    public boolean exited() {
        return (raw & 0x7f) == 0;
    }

    /** WIFSIGNALED: low 7 bits are a signal, not 0 (exited) and not 0x7f (stopped or continued). */
    public boolean signaled() {
        int sig = raw & 0x7f;
        return sig != 0 && sig != 0x7f;
    }

    public int exitCode() {
        return (raw >> 8) & 0xff;
    }

    public int termSignal() {
        return raw & 0x7f;
    }

    /** The shell's convention, which containerd and runc follow: the exit code, or 128 + the signal. */
    public int toExitStatus() {
        return signaled() ? 128 + termSignal() : exitCode();
    }

    @Override
    public String toString() {
        return exited() ? "exited with " + exitCode() : "killed by " + Signals.name(termSignal());
    }
}
