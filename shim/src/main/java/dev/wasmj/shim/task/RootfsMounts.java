package dev.wasmj.shim.task;

import dev.wasmj.libcontainer.rootfs.MountOptions;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.proto.types.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The container's root filesystem: containerd passes the snapshot as mounts (usually one overlay) and the
 * shim mounts them on {@code <bundle>/rootfs}; delete (the RPC, or the {@code delete} command after a
 * crash) unmounts whatever is mounted there.
 */
public final class RootfsMounts {
    private final Syscalls sys;

    public RootfsMounts(Syscalls sys) {
        this.sys = sys;
    }

    /** Mounts each of {@code mounts} on {@code target} in order; on failure unmounts what it mounted. */
    void mount(List<Mount> mounts, Path target) throws IOException {
        if (mounts.isEmpty()) return;
        Files.createDirectories(target);
        int done = 0;
        try {
            for (Mount m : mounts) {
                MountOptions.Parsed options = MountOptions.parse(m.getOptionsList());
                String type = m.getType().equals("bind") ? null : m.getType();
                sys.mount(m.getSource(), target.toString(), type, options.flags(), options.data());
                if (options.propagation() != 0) sys.mount(null, target.toString(), null, options.propagation(), null);
                done++;
            }
        } catch (SyscallException e) {
            if (done > 0) unmountAll(target);
            Mount failed = mounts.get(done);
            throw new IOException("mount rootfs " + failed.getType() + " " + failed.getSource() + " on " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /** Unmounts everything at or below {@code target}, deepest first; lazily when busy. Idempotent. */
    public void unmountAll(Path target) throws IOException {
        String root = target.toAbsolutePath().normalize().toString();
        for (String mountPoint : mountPointsUnder(root)) {
            try {
                sys.umount2(mountPoint, 0);
            } catch (SyscallException e) {
                try {
                    sys.umount2(mountPoint, MountFlags.MNT_DETACH);
                } catch (SyscallException again) {
                    throw new IOException("unmount " + mountPoint + ": " + again.getMessage(), again);
                }
            }
        }
    }

    static List<String> mountPointsUnder(String root) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length < 5) continue;
            String point = unescape(fields[4]);
            if (point.equals(root) || point.startsWith(root + "/")) found.add(point);
        }
        // Deepest first, and a point mounted twice is listed (and unmounted) twice.
        found.sort(Comparator.comparingInt(String::length).reversed());
        return found;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder b = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
