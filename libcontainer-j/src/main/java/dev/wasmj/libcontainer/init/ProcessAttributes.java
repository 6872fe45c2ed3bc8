package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.process.InitPlan.Rlimit;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process-wide attributes of the workload that survive execve: rlimits, oom_score_adj, umask. */
final class ProcessAttributes {
    private final Syscalls sys;
    private final InitLog log;

    ProcessAttributes(Syscalls sys, InitLog log) {
        this.sys = sys;
        this.log = log;
    }

    void apply(ProcessPlan p) throws IOException {
        for (Rlimit r : p.rlimits()) sys.setrlimit(r.resource(), r.soft(), r.hard());
        if (p.oomScoreAdj() != null) setOomScoreAdj(p.oomScoreAdj());
        if (p.umask() >= 0) sys.umask(p.umask());
    }

    /**
     * Lowering oom_score_adj needs CAP_SYS_RESOURCE. Without it, keep the lowest value we may set (the
     * current one), as containerd's restrict_oom_score_adj does, instead of failing the container.
     */
    private void setOomScoreAdj(int value) throws IOException {
        Path file = Path.of("/proc/self/oom_score_adj");
        try {
            Files.writeString(file, Integer.toString(value));
        } catch (IOException e) {
            String current = Files.readString(file).trim();
            log.info("oom_score_adj " + value + " refused (" + e.getMessage() + "); keeping " + current);
        }
    }
}
