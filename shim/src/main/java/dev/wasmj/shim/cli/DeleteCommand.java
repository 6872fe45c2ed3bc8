package dev.wasmj.shim.cli;

import dev.wasmj.libcontainer.container.InitPool;
import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.libcontainer.container.StateStore;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.events.Timestamps;
import dev.wasmj.shim.log.ShimLog;
import dev.wasmj.shim.proto.task.v2.DeleteResponse;
import dev.wasmj.shim.sandbox.PodHolder;
import dev.wasmj.shim.task.BundleState;
import dev.wasmj.shim.task.RootfsMounts;
import dev.wasmj.shim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code delete}: containerd runs it after every shim connection closes, and after a crash it is the only
 * chance to clean up what a dead shim left: kill the container's processes, remove its cgroup and state,
 * unmount its rootfs. Prints a DeleteResponse (status 128+SIGKILL, as the process was killed) on stdout.
 * It is on the latency path of every {@code ctr run --rm}, so it does nothing when there is nothing left:
 * after a clean delete by the server it prints the server's answer (and the launcher script does so
 * without starting this JVM at all; see {@link BundleState#recordCleanDelete}).
 */
final class DeleteCommand {
    private final ShimArgs args;
    private final ShimLog log;

    DeleteCommand(ShimArgs args, ShimLog log) {
        this.args = args;
        this.log = log;
    }

    int run(OutputStream out) throws IOException {
        Path bundle = args.bundleDir();
        StateStore store = BundleState.store(bundle);
        boolean stateLeft = Files.isDirectory(store.directory(args.id()));
        Optional<byte[]> clean = BundleState.cleanDelete(bundle);
        if (clean.isPresent() && !stateLeft) {
            out.write(clean.get()); // the server deleted everything and recorded its answer
            out.flush();
            return 0;
        }
        int pid = 0;
        if (stateLeft) {
            try {
                Container container = Container.load(store, args.id());
                pid = container.pid();
                container.delete(true);
                log.info("cleaned up container left by a shim that is gone (init pid " + pid + ")");
                String cgroup = container.cgroups().path();
                if (cgroup.lastIndexOf('/') > 0) InitPool.sweepLeftovers(cgroup.substring(0, cgroup.lastIndexOf('/')), log::info);
            } catch (ContainerException e) {
                log.error("delete: cannot clean up the container's processes and cgroup", e);
            }
        }
        int holder = PodHolder.killRecorded(Syscalls.linux(), bundle); // a pod's bundle (sandbox API): no container
        if (holder > 0) {
            log.info("ended the namespace holder (pid " + holder + ") of a pod whose shim is gone");
            pid = holder;
        }
        new RootfsMounts(Syscalls.linux()).unmountAll(BundleState.rootfs(bundle));
        removeDeadSocket(bundle);
        DeleteResponse.newBuilder().setPid(pid).setExitStatus(128 + Signals.SIGKILL)
                .setExitedAt(Timestamps.of(Instant.now()))
                .build().writeTo(out);
        out.flush();
        return 0;
    }

    /** A server killed with SIGKILL leaves its socket file: remove it when nothing answers there any more. */
    private void removeDeadSocket(Path bundle) {
        try {
            Path address = bundle.resolve("address");
            if (!Files.exists(address)) return;
            Path socket = Path.of(Files.readString(address).trim().replaceFirst("^unix://", ""));
            if (Files.exists(socket) && !TtrpcServer.answers(socket)) {
                Files.deleteIfExists(socket);
                log.info("removed the socket of a shim that is gone: " + socket);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot check the shim socket: " + e.getMessage());
        }
    }
}
