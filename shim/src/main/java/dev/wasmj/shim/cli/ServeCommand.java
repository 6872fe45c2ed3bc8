package dev.wasmj.shim.cli;

import dev.wasmj.libcontainer.container.InitPool;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.events.EventPublisher;
import dev.wasmj.shim.image.WasmArtifacts;
import dev.wasmj.shim.log.LogRouter;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.sandbox.SandboxService;
import dev.wasmj.shim.task.TaskService;
import dev.wasmj.shim.task.Workload;
import dev.wasmj.shim.ttrpc.ServiceRegistry;
import dev.wasmj.shim.ttrpc.TtrpcServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The long-running shim server that {@code start} launches: serves the task API on the group's socket
 * until containerd calls Shutdown with no container left, publishing events to containerd's
 * {@code TTRPC_ADDRESS}.
 */
final class ServeCommand {
    private final ShimArgs args;
    private ShimLog log;
    private final Workload workload;
    private final WasmArtifacts artifacts;
    private final String version;
    private final Map<String, String> env;

    ServeCommand(ShimArgs args, ShimLog log, Workload workload, WasmArtifacts artifacts, String version,
            Map<String, String> env) {
        this.args = args;
        this.log = log;
        this.workload = workload;
        this.artifacts = artifacts;
        this.version = version;
        this.env = env;
    }

    int run() throws IOException, InterruptedException {
        if (args.socket() == null) throw new IllegalArgumentException("serve needs -socket");
        Syscalls sys = Syscalls.linux();
        // containerd started this process in the first container's bundle, which goes with that container: the
        // inits and hooks spawned later inherit the working directory, and a JVM cannot start in a deleted one.
        sys.chdir("/");
        log = log.routed(new LogFifos(sys)); // each container's lines to its own bundle's log
        String ttrpcAddress = env.get("TTRPC_ADDRESS");
        if (ttrpcAddress == null || ttrpcAddress.isEmpty()) {
            log.warn("TTRPC_ADDRESS is not set: task events are not published");
        }
        int maxGroups = ServerGroups.maxFrom(env);
        CountDownLatch exit = new CountDownLatch(1);
        try (EventPublisher events = new EventPublisher(ttrpcAddress == null || ttrpcAddress.isEmpty() ? null
                : Path.of(ttrpcAddress.replaceFirst("^unix://", "")), args.namespace(), log, Duration.ofSeconds(30))) {
            // The pods (containerd 2.x's sandbox API) and the containers of this server: it exits when it holds neither.
            AtomicReference<TaskService> taskService = new AtomicReference<>();
            AtomicReference<Runnable> shutdown = new AtomicReference<>(exit::countDown);
            SandboxService pods = new SandboxService(Syscalls.linux(), log, () -> taskService.get().isEmpty(), () -> shutdown.get().run());
            TaskService tasks = new TaskService(Syscalls.linux(), log, events, workload, artifacts, pods, version, () -> shutdown.get().run());
            taskService.set(tasks);
            // A server with room for one group never serves another's create: only its pod's containers use inits started ahead.
            int prestarted = prestartedInits();
            InitPool initPool = InitPool.create(Syscalls.linux(), maxGroups > 1 ? prestarted : 0, prestarted > 0, idleTime(), log::debug);
            tasks.initPool(initPool);
            ServiceRegistry registry = new ServiceRegistry();
            tasks.register(registry);
            pods.register(registry);
            WarmUp.start(log); // usually already started by start, at JVM entry
            try (TtrpcServer server = open(registry)) {
                ServerGroups groups = new ServerGroups(server.socket(), args.address(), args.namespace(), maxGroups, () -> {
                    Set<String> live = new HashSet<>(tasks.groups());
                    live.addAll(pods.ids());
                    return live;
                }, System::nanoTime);
                // SIGTERM (e.g. a node shutting down) still removes the socket and the groups' links.
                Thread closeOnExit = new Thread(() -> {
                    initPool.close();
                    groups.unlinkAll();
                    server.close();
                }, "close-socket");
                Runtime.getRuntime().addShutdownHook(closeOnExit);
                log.info("shim listening on " + server.socket() + " (pid " + ProcessHandle.current().pid() + ")");
                Residency residency = new Residency(groups, exit, initPool);
                shutdown.set(() -> {
                    residency.tick(true);
                });
                residency.run();
                exit.await();
                residency.stop();
                initPool.close();
                // Let the Shutdown reply and the last events go out before the socket closes (not to a containerd
                // that is gone: they would only wait out the timeout, and a training server's archive with them).
                if (!residency.containerdGone) events.flush(Duration.ofSeconds(5));
                Thread.sleep(50);
                groups.unlinkAll();
            }
        }
        log.info("shim exited");
        return 0;
    }

    /**
     * Whether this server takes new groups of its namespace (its {@link StartListener}) and when it exits: a
     * server that takes none exits when its last group goes (containerd's Shutdown); the one that takes them
     * stays for new containers until it has been empty for the idle time, or its containerd is gone.
     */
    private final class Residency {
        private final ServerGroups groups;
        private final CountDownLatch exit;
        private final Duration idle = idleTime();
        private StartListener listener;
        private Thread ticker;
        private final InitPool initPool;
        private long emptySince = -1;
        /** Whether this server's containerd was gone (its socket removed) at the last tick. */
        volatile boolean containerdGone;

        Residency(ServerGroups groups, CountDownLatch exit, InitPool initPool) {
            this.groups = groups;
            this.exit = exit;
            this.initPool = initPool;
        }

        void run() {
            listen();
            ticker = new Thread(() -> {
                try {
                    while (exit.getCount() > 0) {
                        Thread.sleep(TICK.toMillis());
                        tick(false);
                    }
                } catch (InterruptedException stopped) {
                    // exiting
                }
            }, "server-groups");
            ticker.setDaemon(true);
            ticker.start();
        }

        /** Takes new groups if it may, no other server of the namespace does, and it has room. */
        private synchronized void listen() {
            if (groups.max() <= 1 || groups.full() || (listener != null && listener.isOpen())) return;
            Optional<Path> path = StartListener.path(args.address(), args.namespace());
            if (path.isEmpty()) return;
            try {
                listener = StartListener.open(path.get(), this::start, log).orElse(null);
                if (listener != null) log.debug("takes new groups of namespace " + args.namespace() + " on " + path.get());
            } catch (IOException e) {
                log.warn("cannot listen for starts on " + path.get() + ": " + e.getMessage());
            }
        }

        /** A container's start, handed over by the launcher: served here if its group is new and there is room. */
        private String start(StandbyCommand.Claim request) throws Exception {
            ShimArgs claimed = request.shimArgs();
            if (!claimed.address().equals(args.address()) || !claimed.namespace().equals(args.namespace())
                    || !BUILD.equals(request.env().getOrDefault(BUILD_ENV, BUILD))) {
                throw new ServerGroups.Full("this server is of another containerd, namespace or build");
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            Path group = new StartCommand(claimed, groups.taker(), request.env()).run(request.options(),
                    new PrintStream(answer, true, StandardCharsets.UTF_8));
            groups.touch(group);
            log.with("id", claimed.id()).debug("start answered by this server, " + groups.count() + " group(s) here");
            synchronized (this) {
                emptySince = -1;
                if (groups.full() && listener != null) {
                    log.info("serves " + groups.count() + " groups, its bound (" + ServerGroups.MAX_ENV + "): takes no more");
                    listener.close();
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }

        /**
         * Every {@link #TICK}, and on containerd's Shutdown ({@code shutdown}: no container or pod is left): lets
         * ended groups go, and exits when nothing is left and this server does not wait for new groups.
         */
        synchronized void tick(boolean shutdown) {
            if (exit.getCount() == 0) return;
            // On Shutdown only a start answered in the last moment keeps a group without a container (its Create
            // is on the way); else a group gets the grace of ServerGroups. (Shutdown with "now" while containers
            // are here ends nothing: they may be other pods'.) Once containerd is gone no Create will come.
            containerdGone = !args.address().isEmpty() && !Files.exists(Path.of(args.address()));
            boolean empty = groups.sweep(containerdGone ? Duration.ZERO : shutdown ? Duration.ofSeconds(2) : ServerGroups.GRACE);
            listen(); // again, if it may now: room again, or the server that listened is gone
            boolean waiting = listener != null && listener.isOpen();
            if (containerdGone && initPool.size() > 0) {
                log.info("containerd is gone: the pre-started inits end"); // its containers stay, as a shim's do
                initPool.drain();
            }
            if (!empty) {
                emptySince = -1;
                return;
            }
            long now = System.nanoTime();
            if (emptySince < 0) emptySince = now;
            if (waiting && !containerdGone && now - emptySince < idle.toNanos()) return;
            if (waiting) {
                listener.close(); // no start reaches this server from now on ...
                if (!groups.sweep(containerdGone ? Duration.ZERO : Duration.ofSeconds(2))) return; // ... but one may have just been answered
            }
            log.info(waiting ? (containerdGone ? "containerd is gone: exiting" : "no container for " + idle.toSeconds() + " s: exiting")
                    : "no container left: exiting");
            exit.countDown();
        }

        void stop() {
            if (ticker != null) ticker.interrupt();
            synchronized (this) {
                if (listener != null) listener.close();
            }
        }
    }

    /** The containers' log FIFOs, through the server's syscalls. */
    private static final class LogFifos implements LogRouter.Fifos {
        private final Syscalls sys;

        LogFifos(Syscalls sys) {
            this.sys = sys;
        }

        @Override
        public LogRouter.Opened open(Path fifo) {
            int fd = StartCommand.openLog(sys, fifo);
            if (fd < 0) return null;
            try {
                // Opened again through /proc while fd holds it: there is a reader, so this cannot block.
                return new LogRouter.Opened(fd, new PrintStream(new java.io.FileOutputStream("/proc/self/fd/" + fd), true,
                        StandardCharsets.UTF_8));
            } catch (IOException e) {
                sys.close(fd);
                return null;
            }
        }

        @Override
        public void close(LogRouter.Opened opened) {
            opened.stream().close();
            sys.close(opened.fd());
        }

        @Override
        public void stderrTo(int fd) {
            if (fd >= 0) {
                sys.dup2(fd, 2);
                return;
            }
            int devNull = sys.open("/dev/null", dev.wasmj.libcontainer.syscall.OpenFlags.WRONLY, 0);
            sys.dup2(devNull, 2);
            sys.close(devNull);
        }
    }

    static final Duration TICK = Duration.ofSeconds(2);
    /** The launcher's build key ({@code WASMJ_BUILD_KEY}): a server takes no start of another build. */
    static final String BUILD_ENV = "WASMJ_BUILD_KEY";
    private static final String BUILD = System.getenv().getOrDefault(BUILD_ENV, "");

    /** How long the server that takes new groups waits with none ({@value StandbyCommand#IDLE_ENV}, as a standby). */
    private Duration idleTime() {
        try {
            return StandbyCommand.idleTime(env);
        } catch (IllegalArgumentException e) {
            return StandbyCommand.DEFAULT_IDLE; // a server serving containers does not fail over it
        }
    }

    /** How many init JVMs this server keeps started ahead of their containers ({@value #PRESTARTED_ENV}, 0 = none). */
    static final String PRESTARTED_ENV = "WASMJ_PRESTARTED_INITS";
    static final int DEFAULT_PRESTARTED = 1;

    private int prestartedInits() {
        String v = env.get(PRESTARTED_ENV);
        if (v == null || v.isBlank()) return DEFAULT_PRESTARTED;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0 && n <= 16) return n;
        } catch (NumberFormatException e) {
            // below
        }
        log.warn(PRESTARTED_ENV + " must be a whole number from 0 to 16, not \"" + v + "\": using " + DEFAULT_PRESTARTED);
        return DEFAULT_PRESTARTED;
    }

    /** The socket {@code start} bound and passed as fd 0, or (run by hand) a new one on {@code -socket}. */
    private TtrpcServer open(ServiceRegistry registry) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof ServerSocketChannel listener) {
            return TtrpcServer.adopt(listener, args.socket(), registry, log::debug);
        }
        return TtrpcServer.listen(args.socket(), registry, log::debug);
    }

}
