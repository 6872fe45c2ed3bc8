package dev.wasmj.libcontainer.cli;

import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.StateStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code libcontainer-j}: runc's command line on this runtime. Global options come before the command:
 * {@code --root DIR} (state, default /run/libcontainer-j), {@code --log FILE}, {@code --log-format text|json},
 * {@code --debug}. Errors go to stderr (and the log) with exit status 1; usage errors exit 2.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: libcontainer-j [--root DIR] [--log FILE] [--log-format text|json] [--debug] COMMAND [ARGS]",
            "commands:",
            "  create [--bundle DIR] [--pid-file F] [--console-socket S] [--preserve-fds N] ID",
            "  start ID",
            "  run [--bundle DIR] [--pid-file F] [--detach] [--preserve-fds N] ID",
            "  state ID",
            "  kill [--all] ID [SIGNAL]",
            "  delete [--force] ID",
            "  ps [--format table|json] ID",
            "  pause ID",
            "  resume ID",
            "  list",
            "  features",
            "  --version");

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(List.of(argv)));
    }

    static int run(List<String> argv) {
        GlobalOptions global = new GlobalOptions();
        List<String> rest = new ArrayList<>();
        int i = 0;
        try {
            for (; i < argv.size(); i++) {
                String a = argv.get(i);
                if (a.equals("--root")) global.root = Path.of(next(argv, ++i, a));
                else if (a.startsWith("--root=")) global.root = Path.of(a.substring(7));
                else if (a.equals("--log")) global.logFile = Path.of(next(argv, ++i, a));
                else if (a.startsWith("--log=")) global.logFile = Path.of(a.substring(6));
                else if (a.equals("--log-format")) global.logFormat = next(argv, ++i, a);
                else if (a.startsWith("--log-format=")) global.logFormat = a.substring(13);
                else if (a.equals("--debug")) global.debug = true;
                else if (a.equals("--systemd-cgroup")) throw new CommandLine.UsageException("--systemd-cgroup: systemd cgroups are not supported yet");
                else break;
            }
            rest.addAll(argv.subList(i, argv.size()));
        } catch (CommandLine.UsageException e) {
            System.err.println("libcontainer-j: " + e.getMessage());
            return 2;
        }
        if (rest.isEmpty() || rest.get(0).equals("--help") || rest.get(0).equals("-h") || rest.get(0).equals("help")) {
            System.out.println(USAGE);
            return rest.isEmpty() ? 2 : 0;
        }
        try (CliLog log = CliLog.open(global)) {
            Commands commands = new Commands(new StateStore(global.root), log, global);
            try {
                return commands.dispatch(rest.get(0), rest.subList(1, rest.size()));
            } catch (CommandLine.UsageException e) {
                log.error(e.getMessage());
                System.err.println("libcontainer-j " + rest.get(0) + ": " + e.getMessage());
                return 2;
            } catch (ContainerException | RuntimeException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                log.error(message);
                System.err.println("libcontainer-j: " + message);
                if (global.debug) e.printStackTrace();
                return 1;
            }
        }
    }

    private static String next(List<String> argv, int i, String option) throws CommandLine.UsageException {
        if (i >= argv.size()) throw new CommandLine.UsageException("option " + option + " needs a value");
        return argv.get(i);
    }

    static final class GlobalOptions {
        Path root = StateStore.DEFAULT_ROOT;
        Path logFile;
        String logFormat = "text";
        boolean debug;
    }
}
