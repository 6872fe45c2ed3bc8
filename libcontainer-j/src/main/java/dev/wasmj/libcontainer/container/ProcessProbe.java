package dev.wasmj.libcontainer.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads /proc/PID/stat: is a process alive (not a zombie), and when did it start. */
public final class ProcessProbe {
    private ProcessProbe() {}

    /** The start time (field 22) of a live, non-zombie process; empty when it is gone or a zombie. */
    public static OptionalLong startTime(int pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        // The command name (field 2) may hold spaces and parentheses: parse after its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String state = fields[0];
        if ((state.equals("Z") || state.equals("X")) && !otherThreadsLive(pid)) return OptionalLong.empty();
        return OptionalLong.of(Long.parseLong(fields[19]));
    }

    /**
     * A zombie thread-group leader with live threads is a live process: a JVM init that execs the workload
     * does so from a thread that is not the leader, and while the kernel swaps them (de_thread) the leader
     * shows as a zombie. The thread keeps the process's pid and start time, so the process is the same.
     */
    private static boolean otherThreadsLive(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) return Integer.parseInt(line.substring(8).trim()) > 1;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    public static boolean isAlive(int pid, long expectedStartTime) {
        OptionalLong start = startTime(pid);
        return start.isPresent() && start.getAsLong() == expectedStartTime;
    }
}
