package dev.wasmj.libcontainer.syscall;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Linux signal numbers (x86_64/aarch64) and their names, for parsing "TERM", "SIGKILL" or "9". */
public final class Signals {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGWINCH = 28;

    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS"
    };
    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;
    private static final Map<String, Integer> BY_NAME = new TreeMap<>();

    static {
        for (int i = 1; i < NAMES.length; i++) BY_NAME.put(NAMES[i], i);
        BY_NAME.put("IOT", 6);
        BY_NAME.put("POLL", 29);
    }

    private Signals() {}

    /** Parses {@code KILL}, {@code SIGKILL}, {@code kill}, {@code 9} or {@code RTMIN+3}. */
    public static int parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= SIGRTMAX) return n;
            throw new IllegalArgumentException("invalid signal number " + text);
        }
        if (s.startsWith("SIG")) s = s.substring(3);
        Integer n = BY_NAME.get(s);
        if (n != null) return n;
        if (s.startsWith("RTMIN")) return realtime(text, SIGRTMIN, s.substring(5), '+');
        if (s.startsWith("RTMAX")) return realtime(text, SIGRTMAX, s.substring(5), '-');
        throw new IllegalArgumentException("unknown signal \"" + text + "\"");
    }

    /** RTMIN+n counts up and RTMAX-n down; the other sign is an error, as in kill(1). */
    private static int realtime(String text, int base, String offset, char sign) {
        if (offset.isEmpty()) return base;
        try {
            if (offset.charAt(0) != sign) throw new NumberFormatException();
            int n = base + (sign == '+' ? 1 : -1) * Integer.parseInt(offset.substring(1));
            if (n >= SIGRTMIN && n <= SIGRTMAX) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw new IllegalArgumentException("unknown signal \"" + text + "\"");
    }

    /** {@code SIGTERM} for 15. */
    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) return "SIG" + NAMES[signal];
        if (signal >= SIGRTMIN && signal <= SIGRTMAX) return "SIGRTMIN+" + (signal - SIGRTMIN);
        return "signal " + signal;
    }
}
