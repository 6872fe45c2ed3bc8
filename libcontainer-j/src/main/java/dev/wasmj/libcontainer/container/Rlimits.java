package dev.wasmj.libcontainer.container;

import java.util.List;

/** RLIMIT_* names and their resource numbers (Linux, x86_64 and aarch64). */
final class Rlimits {
    private static final List<String> NAMES = List.of(
            "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
            "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
            "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    private Rlimits() {}

    static int resource(String name, String field) {
        int r = NAMES.indexOf(name);
        if (r < 0) throw new IllegalArgumentException(field + ": unknown rlimit \"" + name + "\"");
        return r;
    }
}
