package dev.wasmj.libcontainer.process;

import dev.wasmj.libcontainer.process.InitPlan.DeviceEntry;
import dev.wasmj.libcontainer.process.InitPlan.HookEntry;
import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.process.InitPlan.Rlimit;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compact binary form of {@link InitPlan}, written by the runtime and read by the init JVM. */
public final class InitPlanCodec {
    private static final int MAGIC = 0x4a504c37; // "JPL7": bump on any change of the layout

    private InitPlanCodec() {}

    public static void write(InitPlan p, DataOutput out) throws IOException {
        out.writeInt(MAGIC);
        out.writeUTF(p.containerId());
        out.writeUTF(p.rootfs());
        out.writeBoolean(p.readonlyRoot());
        out.writeLong(p.rootPropagation());
        out.writeBoolean(p.newMountNamespace());
        out.writeBoolean(p.newUtsNamespace());
        writeNullable(out, p.joinMountNamespace());
        out.writeInt(p.mounts().size());
        for (MountEntry m : p.mounts()) {
            out.writeUTF(m.destination());
            writeNullable(out, m.type());
            writeNullable(out, m.source());
            out.writeLong(m.flags());
            out.writeLong(m.propagation());
            writeNullable(out, m.data());
        }
        out.writeInt(p.devices().size());
        for (DeviceEntry d : p.devices()) {
            out.writeUTF(d.path());
            out.writeChar(d.type());
            out.writeInt(d.major());
            out.writeInt(d.minor());
            out.writeInt(d.fileMode());
            out.writeInt(d.uid());
            out.writeInt(d.gid());
        }
        writeNullable(out, p.hostname());
        writeNullable(out, p.domainname());
        out.writeInt(p.sysctl().size());
        for (Map.Entry<String, String> e : p.sysctl().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        writeStrings(out, p.maskedPaths());
        writeStrings(out, p.readonlyPaths());
        writeProcess(out, p.process());
        out.writeBoolean(p.hasCreateRuntimeHooks());
        writeHooks(out, p.createContainerHooks());
        writeHooks(out, p.startContainerHooks());
        out.writeInt(p.preservedFds());
        out.writeUTF(p.executor());
        writeNullable(out, p.cgroup2Path());
    }

    public static InitPlan read(DataInput in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("init plan: bad magic 0x" + Integer.toHexString(magic)
                    + " (runtime and init from different builds?)");
        }
        String id = in.readUTF();
        String rootfs = in.readUTF();
        boolean readonlyRoot = in.readBoolean();
        long rootPropagation = in.readLong();
        boolean newMountNs = in.readBoolean();
        boolean newUtsNs = in.readBoolean();
        String joinMountNs = readNullable(in);
        int n = in.readInt();
        List<MountEntry> mounts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            mounts.add(new MountEntry(in.readUTF(), readNullable(in), readNullable(in), in.readLong(), in.readLong(),
                    readNullable(in)));
        }
        n = in.readInt();
        List<DeviceEntry> devices = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            devices.add(new DeviceEntry(in.readUTF(), in.readChar(), in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readInt()));
        }
        String hostname = readNullable(in);
        String domainname = readNullable(in);
        n = in.readInt();
        Map<String, String> sysctl = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) sysctl.put(in.readUTF(), in.readUTF());
        List<String> masked = readStrings(in);
        List<String> readonly = readStrings(in);
        ProcessPlan process = readProcess(in);
        boolean createRuntime = in.readBoolean();
        List<HookEntry> createContainer = readHooks(in);
        List<HookEntry> startContainer = readHooks(in);
        int preserved = in.readInt();
        String executor = in.readUTF();
        String cgroup2Path = readNullable(in);
        return new InitPlan(id, rootfs, readonlyRoot, rootPropagation, newMountNs, newUtsNs, joinMountNs, mounts, devices,
                hostname, domainname, sysctl, masked, readonly, process, createRuntime, createContainer, startContainer,
                preserved, executor, cgroup2Path);
    }

    private static void writeProcess(DataOutput out, ProcessPlan p) throws IOException {
        writeStrings(out, p.args());
        writeStrings(out, p.env());
        out.writeUTF(p.cwd());
        out.writeInt(p.uid());
        out.writeInt(p.gid());
        out.writeInt(p.additionalGids().length);
        for (int g : p.additionalGids()) out.writeInt(g);
        out.writeInt(p.umask());
        out.writeInt(p.rlimits().size());
        for (Rlimit r : p.rlimits()) {
            out.writeInt(r.resource());
            out.writeLong(r.soft());
            out.writeLong(r.hard());
        }
        out.writeBoolean(p.noNewPrivileges());
        out.writeBoolean(p.oomScoreAdj() != null);
        if (p.oomScoreAdj() != null) out.writeInt(p.oomScoreAdj());
        out.writeBoolean(p.capabilities() != null);
        if (p.capabilities() != null) {
            for (long mask : p.capabilities()) out.writeLong(mask);
        }
        out.writeBoolean(p.terminal());
        out.writeInt(p.consoleRows());
        out.writeInt(p.consoleColumns());
        out.writeInt(p.seccompFilter() == null ? -1 : p.seccompFilter().length);
        if (p.seccompFilter() != null) out.write(p.seccompFilter());
        out.writeInt(p.seccompFlags());
        writeStrings(out, p.jvmSyscallsDenied());
    }

    private static ProcessPlan readProcess(DataInput in) throws IOException {
        List<String> args = readStrings(in);
        List<String> env = readStrings(in);
        String cwd = in.readUTF();
        int uid = in.readInt();
        int gid = in.readInt();
        int[] groups = new int[in.readInt()];
        for (int i = 0; i < groups.length; i++) groups[i] = in.readInt();
        int umask = in.readInt();
        int n = in.readInt();
        List<Rlimit> rlimits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) rlimits.add(new Rlimit(in.readInt(), in.readLong(), in.readLong()));
        boolean nnp = in.readBoolean();
        Integer oom = in.readBoolean() ? in.readInt() : null;
        long[] caps = null;
        if (in.readBoolean()) {
            caps = new long[5];
            for (int i = 0; i < 5; i++) caps[i] = in.readLong();
        }
        boolean terminal = in.readBoolean();
        int rows = in.readInt();
        int columns = in.readInt();
        int filterLength = in.readInt();
        byte[] filter = null;
        if (filterLength >= 0) {
            filter = new byte[filterLength];
            in.readFully(filter);
        }
        int filterFlags = in.readInt();
        List<String> jvmDenied = readStrings(in);
        return new ProcessPlan(args, env, cwd, uid, gid, groups, umask, rlimits, nnp, oom, caps, terminal, rows, columns,
                filter, filterFlags, jvmDenied);
    }

    private static void writeHooks(DataOutput out, List<HookEntry> hooks) throws IOException {
        out.writeInt(hooks.size());
        for (HookEntry h : hooks) {
            out.writeUTF(h.path());
            writeStrings(out, h.args());
            writeStrings(out, h.env());
            out.writeInt(h.timeoutSeconds());
        }
    }

    private static List<HookEntry> readHooks(DataInput in) throws IOException {
        int n = in.readInt();
        List<HookEntry> hooks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) hooks.add(new HookEntry(in.readUTF(), readStrings(in), readStrings(in), in.readInt()));
        return hooks;
    }

    private static void writeStrings(DataOutput out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) writeLong(out, v);
    }

    private static List<String> readStrings(DataInput in) throws IOException {
        int n = in.readInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) values.add(readLong(in));
        return values;
    }

    // writeUTF stops at 64 KiB; an environment variable or argument may be longer.
    private static void writeLong(DataOutput out, String s) throws IOException {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readLong(DataInput in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeNullable(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) writeLong(out, s);
    }

    private static String readNullable(DataInput in) throws IOException {
        return in.readBoolean() ? readLong(in) : null;
    }
}
