package dev.wasmj.libcontainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wasmj.libcontainer.cli.CommandLine.UsageException;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.Features;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One method per command; each parses its own options and calls the {@link Container} API. */
final class Commands {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Map<String, String> ALIASES = Map.of("b", "bundle", "f", "force", "a", "all", "d", "detach");

    private final StateStore store;
    private final CliLog log;
    private final Main.GlobalOptions global;

    Commands(StateStore store, CliLog log, Main.GlobalOptions global) {
        this.store = store;
        this.log = log;
        this.global = global;
    }

    int dispatch(String command, List<String> args) throws UsageException, ContainerException {
        return switch (command) {
            case "create" -> create(args);
            case "start" -> start(args);
            case "run" -> run(args);
            case "state" -> state(args);
            case "kill" -> kill(args);
            case "delete" -> delete(args);
            case "ps" -> ps(args);
            case "pause" -> pause(args);
            case "resume" -> resume(args);
            case "list" -> list(args);
            case "features" -> features(args);
            case "--version", "-v", "version" -> version();
            default -> throw new UsageException("unknown command \"" + command + "\"\n" + Main.USAGE);
        };
    }

    private int create(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of("bundle", "pid-file", "console-socket", "preserve-fds"),
                Set.of("no-pivot", "no-new-keyring"), ALIASES);
        Container c = createContainer(cl);
        writePidFile(cl.value("pid-file"), c.pid());
        log.info("created " + c.id() + " pid " + c.pid());
        return 0;
    }

    private Container createContainer(CommandLine cl) throws UsageException, ContainerException {
        String id = cl.positional(0, "container id");
        CreateRequest request = CreateRequest.builder(id, Path.of(cl.value("bundle", ".")))
                .logFd(log.fdForInit())
                .debugLog(log::debug)
                .debug(global.debug);
        if (cl.value("console-socket") != null) request.consoleSocket(Path.of(cl.value("console-socket")));
        int preserve = Integer.parseInt(cl.value("preserve-fds", "0"));
        for (int fd = 3; fd < 3 + preserve; fd++) request.preserveFd(fd);
        return Container.create(store, request);
    }

    private int start(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of(), Set.of(), ALIASES);
        Container.load(store, cl.positional(0, "container id")).start();
        return 0;
    }

    /** create + start; unless --detach, wait for the exit, delete, and exit with the container's status. */
    private int run(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of("bundle", "pid-file", "console-socket", "preserve-fds"),
                Set.of("detach", "no-pivot", "no-new-keyring", "keep"), ALIASES);
        Container c = createContainer(cl);
        writePidFile(cl.value("pid-file"), c.pid());
        try {
            c.start();
        } catch (ContainerException e) {
            // The workload could not start: say why, and end as its init did (127 not found, 126 not
            // executable, as a shell does). Detached, nobody waits: the error alone.
            log.error(e.getMessage());
            System.err.println("libcontainer-j: " + e.getMessage());
            int status = cl.flag("detach") ? 1 : c.waitForExit();
            c.delete(true);
            return status;
        }
        if (cl.flag("detach")) return 0;
        int status = c.waitForExit();
        if (!cl.flag("keep")) c.delete(true);
        return status;
    }

    private int state(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of(), Set.of(), ALIASES);
        Container c = Container.load(store, cl.positional(0, "container id"));
        print(c.state());
        return 0;
    }

    private int kill(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of(), Set.of("all"), ALIASES);
        String id = cl.positional(0, "container id");
        int signal;
        try {
            signal = Signals.parse(cl.positionals().size() > 1 ? cl.positionals().get(1) : "TERM");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Container.load(store, id).kill(signal, cl.flag("all"));
        return 0;
    }

    private int delete(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of(), Set.of("force"), ALIASES);
        Container.load(store, cl.positional(0, "container id")).delete(cl.flag("force"));
        return 0;
    }

    private int ps(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of("format"), Set.of(), Map.of("f", "format"));
        List<Long> pids = Container.load(store, cl.positional(0, "container id")).pids();
        if ("json".equals(cl.value("format"))) {
            print(pids);
        } else {
            System.out.println("PID");
            pids.forEach(System.out::println);
        }
        return 0;
    }

    private int pause(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of(), Set.of(), ALIASES);
        Container.load(store, cl.positional(0, "container id")).pause();
        return 0;
    }

    private int resume(List<String> args) throws UsageException, ContainerException {
        CommandLine cl = CommandLine.parse(args, Set.of(), Set.of(), ALIASES);
        Container.load(store, cl.positional(0, "container id")).resume();
        return 0;
    }

    private int list(List<String> args) throws ContainerException {
        System.out.printf("%-24s %-8s %-10s %s%n", "ID", "PID", "STATUS", "BUNDLE");
        try {
            for (String id : store.ids()) {
                Container c = Container.load(store, id);
                var s = c.state();
                System.out.printf("%-24s %-8d %-10s %s%n", id, s.getPid(), s.getStatus(), s.getBundle());
            }
        } catch (IOException e) {
            throw new ContainerException("list: " + e.getMessage(), e);
        }
        return 0;
    }

    private int features(List<String> args) {
        print(Features.describe());
        return 0;
    }

    private int version() {
        System.out.println("libcontainer-j version " + Features.VERSION);
        System.out.println("spec: " + Features.OCI_VERSION_MAX);
        return 0;
    }

    private static void print(Object value) {
        try {
            System.out.println(JSON.writeValueAsString(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePidFile(String file, int pid) throws ContainerException {
        if (file == null) return;
        Path target = Path.of(file).toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Integer.toString(pid));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ContainerException("--pid-file " + file + ": " + e.getMessage(), e);
        }
    }
}
