package dev.wasmj.libcontainer.rootfs;

import dev.wasmj.libcontainer.syscall.MountFlags;
import java.util.List;
import java.util.Map;

/**
 * Splits a spec mount's options into mount(2) flags, propagation flags and the data string, the way
 * runc reads them ("ro,nosuid,rbind,rprivate,mode=755" -> RDONLY|NOSUID|BIND|REC, REC|PRIVATE, "mode=755").
 */
public final class MountOptions {
    /** Options that set a flag. */
    private static final Map<String, Long> SET = Map.ofEntries(
            Map.entry("ro", MountFlags.RDONLY), Map.entry("nosuid", MountFlags.NOSUID),
            Map.entry("nodev", MountFlags.NODEV), Map.entry("noexec", MountFlags.NOEXEC),
            Map.entry("sync", MountFlags.SYNCHRONOUS), Map.entry("remount", MountFlags.REMOUNT),
            Map.entry("mand", MountFlags.MANDLOCK), Map.entry("dirsync", MountFlags.DIRSYNC),
            Map.entry("noatime", MountFlags.NOATIME), Map.entry("nodiratime", MountFlags.NODIRATIME),
            Map.entry("bind", MountFlags.BIND), Map.entry("rbind", MountFlags.BIND | MountFlags.REC),
            Map.entry("relatime", MountFlags.RELATIME), Map.entry("strictatime", MountFlags.STRICTATIME),
            Map.entry("nosymfollow", MountFlags.NOSYMFOLLOW), Map.entry("lazytime", MountFlags.LAZYTIME),
            Map.entry("silent", MountFlags.SILENT));
    /** Options that clear a flag. */
    private static final Map<String, Long> CLEAR = Map.ofEntries(
            Map.entry("rw", MountFlags.RDONLY), Map.entry("suid", MountFlags.NOSUID),
            Map.entry("dev", MountFlags.NODEV), Map.entry("exec", MountFlags.NOEXEC),
            Map.entry("async", MountFlags.SYNCHRONOUS), Map.entry("nomand", MountFlags.MANDLOCK),
            Map.entry("atime", MountFlags.NOATIME), Map.entry("diratime", MountFlags.NODIRATIME),
            Map.entry("norelatime", MountFlags.RELATIME), Map.entry("nostrictatime", MountFlags.STRICTATIME),
            Map.entry("symfollow", MountFlags.NOSYMFOLLOW), Map.entry("loud", MountFlags.SILENT));
    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MountFlags.PRIVATE, "rprivate", MountFlags.PRIVATE | MountFlags.REC,
            "shared", MountFlags.SHARED, "rshared", MountFlags.SHARED | MountFlags.REC,
            "slave", MountFlags.SLAVE, "rslave", MountFlags.SLAVE | MountFlags.REC,
            "unbindable", MountFlags.UNBINDABLE, "runbindable", MountFlags.UNBINDABLE | MountFlags.REC);

    public record Parsed(long flags, long propagation, String data) {}

    private MountOptions() {}

    public static Parsed parse(List<String> options) {
        long flags = 0;
        long propagation = 0;
        StringBuilder data = new StringBuilder();
        if (options != null) {
            for (String option : options) {
                if (SET.containsKey(option)) {
                    flags |= SET.get(option);
                } else if (CLEAR.containsKey(option)) {
                    flags &= ~CLEAR.get(option);
                } else if (PROPAGATION.containsKey(option)) {
                    propagation |= PROPAGATION.get(option);
                } else if (option.equals("tmpcopyup") || option.startsWith("idmap") || option.startsWith("ridmap")) {
                    // tmpcopyup and id-mapped mounts are not supported; ignoring them is what runc did for years
                    continue;
                } else {
                    if (data.length() > 0) data.append(',');
                    data.append(option);
                }
            }
        }
        return new Parsed(flags, propagation, data.length() == 0 ? null : data.toString());
    }

    /** The rootfsPropagation of the spec as flags for "/" (runc's default: rslave). */
    public static long rootPropagation(String value) {
        if (value == null || value.isEmpty()) return MountFlags.SLAVE | MountFlags.REC;
        Long flags = PROPAGATION.get(value);
        if (flags == null) throw new IllegalArgumentException("linux.rootfsPropagation: unknown value \"" + value + "\"");
        return flags;
    }
}
