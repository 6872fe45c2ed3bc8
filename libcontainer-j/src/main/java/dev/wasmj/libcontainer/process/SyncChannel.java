package dev.wasmj.libcontainer.process;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The runtime <-> init conversation over their socketpair. The runtime sends the {@link InitPlan}; the
 * init answers with messages: it asks for the createRuntime hooks to be run, then reports READY or
 * ERROR. A message is a type byte and a text.
 */
public final class SyncChannel {
    public enum Type {
        /** init -> runtime: set-up done, waiting for start. */
        READY,
        /** init -> runtime: set-up failed; the text says why. */
        ERROR,
        /** init -> runtime: run the createRuntime hooks now (namespaces exist, before pivot_root). */
        RUN_CREATE_RUNTIME_HOOKS,
        /** runtime -> init: the hooks ran; go on. */
        HOOKS_DONE,
        /** runtime -> init: a hook failed; the text says why. Give up. */
        HOOKS_FAILED,
        /** pre-started init -> runtime: its claim's fds are in place (and the rootfs attached); send the plan. */
        CLAIMED
    }

    public record Message(Type type, String text) {}

    private final DataInputStream in;
    private final DataOutputStream out;

    public SyncChannel(InputStream in, OutputStream out) {
        this.in = new DataInputStream(in);
        this.out = new DataOutputStream(out);
    }

    /** The channel over a connected socket's fd (both directions). */
    public static SyncChannel over(dev.wasmj.libcontainer.syscall.Syscalls sys, int fd) {
        return new SyncChannel(dev.wasmj.libcontainer.syscall.FdStreams.input(sys, fd),
                dev.wasmj.libcontainer.syscall.FdStreams.output(sys, fd));
    }

    public void sendPlan(InitPlan plan) throws IOException {
        InitPlanCodec.write(plan, out);
        out.flush();
    }

    public InitPlan receivePlan() throws IOException {
        return InitPlanCodec.read(in);
    }

    public void send(Type type, String text) throws IOException {
        out.writeByte(type.ordinal());
        out.writeUTF(text.length() > 16000 ? text.substring(0, 16000) + "..." : text);
        out.flush();
    }

    /** The next message, or null when the other side closed the channel (e.g. the init died). */
    public Message receive() throws IOException {
        int type;
        try {
            type = in.readUnsignedByte();
        } catch (EOFException e) {
            return null;
        }
        Type[] types = Type.values();
        if (type >= types.length) throw new IOException("sync channel: unknown message type " + type);
        return new Message(types[type], in.readUTF());
    }
}
