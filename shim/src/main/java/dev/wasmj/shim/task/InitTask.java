package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.ContainerException;
import dev.wasmj.oci.runtime.ContainerStatus;
import dev.wasmj.shim.proto.types.task.Status;
import dev.wasmj.shim.ttrpc.Code;
import dev.wasmj.shim.ttrpc.TtrpcException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A container created through the task service: its init process, its execs, and its bundle. */
final class InitTask extends TaskProcess {
    final Path bundle;
    final Container container;
    final Map<String, ExecProcess> execs = new ConcurrentHashMap<>();
    /** Its pod, or itself ({@link ShimGroup}): what keeps a shared server's group here. */
    String group;
    /** Set once Start has been answered and its event published; exits are reported after it. */
    volatile boolean started;

    InitTask(String id, Path bundle, Stdio stdio, Container container) {
        super(id, "", stdio);
        this.bundle = bundle;
        this.container = container;
        this.pid = container.pid();
    }

    @Override
    Status status() {
        if (exited()) return Status.STOPPED;
        ContainerStatus s = container.status();
        return switch (s) {
            case CREATED -> Status.CREATED;
            case RUNNING, CREATING -> Status.RUNNING;
            case PAUSED -> Status.PAUSED;
            case STOPPED -> Status.STOPPED;
        };
    }

    @Override
    void start() throws TtrpcException {
        try {
            container.start();
        } catch (ContainerException e) {
            throw new TtrpcException(Code.FAILED_PRECONDITION, e.getMessage(), e);
        }
    }

    @Override
    void kill(int signal, boolean all) throws TtrpcException {
        if (exited()) throw new TtrpcException(Code.NOT_FOUND, describe() + ": process already finished");
        try {
            container.kill(signal, all);
        } catch (ContainerException e) {
            if (exited() || container.status() == ContainerStatus.STOPPED) {
                throw new TtrpcException(Code.NOT_FOUND, describe() + ": process already finished");
            }
            throw new TtrpcException(Code.INTERNAL, e.getMessage(), e);
        }
    }
}
