package dev.wasmj.shim.instance;

import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.api.Instance;
import dev.wasmj.shim.api.InstanceConfig;
import dev.wasmj.shim.api.InstanceException;
import dev.wasmj.shim.cli.ShimCommands;
import dev.wasmj.shim.task.BundleState;
import dev.wasmj.shim.task.ExitWatcher;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link Instance} on libcontainer-j: the same container set-up the shim's task service uses. */
public final class ContainerInstance implements Instance {
    private final Syscalls sys;
    private final Container container;
    private final CompletableFuture<Exit> exit = new CompletableFuture<>();

    private ContainerInstance(Syscalls sys, Container container) {
        this.sys = sys;
        this.container = container;
    }

    public static Instance create(String id, InstanceConfig config) throws InstanceException {
        Syscalls sys = Syscalls.linux();
        int[] fds = {-1, -1, -1};
        try {
            fds[0] = open(sys, config.stdin(), OpenFlags.RDONLY);
            fds[1] = open(sys, config.stdout(), OpenFlags.WRONLY);
            fds[2] = open(sys, config.stderr(), OpenFlags.WRONLY);
            StateStore store = config.stateRoot() == null ? BundleState.store(config.bundle()) : new StateStore(config.stateRoot());
            CreateRequest request = CreateRequest.builder(id, config.bundle()).stdio(fds[0], fds[1], fds[2]);
            ShimCommands.workload(config.shim()).applyTo(request);
            ContainerInstance instance = new ContainerInstance(sys, Container.create(store, request));
            instance.watch();
            return instance;
        } catch (ContainerException | RuntimeException e) {
            throw new InstanceException("create " + id + ": " + e.getMessage(), e);
        } finally {
            for (int fd : fds) if (fd >= 0) sys.close(fd);
        }
    }

    /** Files and FIFOs are opened read-write where written to, so a FIFO without a reader yet never blocks. */
    private static int open(Syscalls sys, String path, int flags) {
        if (path.isEmpty()) return sys.open("/dev/null", flags, 0);
        if (flags == OpenFlags.WRONLY) return sys.open(path, OpenFlags.RDWR | OpenFlags.CREAT | OpenFlags.APPEND, 0644);
        return sys.open(path, flags, 0);
    }

    /** Reaped by the same per-pid waiter the shim's task service uses. */
    private void watch() {
        ExitWatcher.watch(sys, container.pid(), container.id(), e -> exit.complete(new Exit(e.code(), e.exitedAt())));
    }

    @Override
    public String id() {
        return container.id();
    }

    @Override
    public int start() throws InstanceException {
        try {
            container.start();
            return container.pid();
        } catch (ContainerException e) {
            throw new InstanceException(e.getMessage(), e);
        }
    }

    @Override
    public void kill(int signal) throws InstanceException {
        try {
            container.kill(signal, false);
        } catch (ContainerException e) {
            throw new InstanceException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<Exit> waitFor(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void delete() throws InstanceException {
        try {
            ExitWatcher.killAndAwait(sys, container.pid(), exit, Duration.ofSeconds(10));
            container.delete(true);
        } catch (ContainerException e) {
            throw new InstanceException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstanceException("delete " + id() + " interrupted", e);
        }
    }
}
