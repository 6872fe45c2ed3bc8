package dev.wasmj.libcontainer.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads /proc/PID/stat: is a process alive (not a zombie), and when did it start. */
final class ProcessProbe {
    private ProcessProbe() {}

    /** The start time (field 22) of a live, non-zombie process; empty when it is gone or a zombie. */
    static OptionalLong startTime(int pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        // The command name (field 2) may hold spaces and parentheses: parse after its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String state = fields[0];
        if (state.equals("Z") || state.equals("X")) return OptionalLong.empty();
        return OptionalLong.of(Long.parseLong(fields[19]));
    }

    static boolean isAlive(int pid, long expectedStartTime) {
        OptionalLong start = startTime(pid);
        return start.isPresent() && start.getAsLong() == expectedStartTime;
    }
}
