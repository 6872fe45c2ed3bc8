package dev.wasmj.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.wasmj.libcontainer.cgroups.CgroupPath;
import dev.wasmj.shim.proto.runc.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The runtime options containerd sends: runc's {@code containerd.runc.v1.Options}, or, from a CRI runtime
 * handler, {@code runtimeoptions.v1.Options} carrying TOML in {@code config_body} or in the file
 * {@code config_path}. containerd 1.6 fills only {@code config_path}, from the handler's {@code ConfigPath}
 * key (other keys are dropped, and a {@code ConfigBody} string does not survive its decoding into bytes);
 * later versions put the whole {@code options} table in {@code config_body}. Only {@code SystemdCgroup}
 * matters to this shim.
 */
public record RuntimeOptions(String source, boolean systemdCgroup) {
    static final RuntimeOptions NONE = new RuntimeOptions("none", false);

    /**
     * The options containerd writes to {@code start}'s stdin: a {@code google.protobuf.Any}, or nothing
     * (/dev/null). CRI passes a runtime handler's options this way only, not with Create.
     */
    public static RuntimeOptions fromStartInput(byte[] stdin) throws InvalidProtocolBufferException {
        return stdin.length == 0 ? NONE : from(Any.parseFrom(stdin));
    }

    static RuntimeOptions from(Any options) throws InvalidProtocolBufferException {
        String type = options.getTypeUrl();
        if (type.endsWith("containerd.runc.v1.Options")) {
            return new RuntimeOptions(type, Options.parseFrom(options.getValue()).getSystemdCgroup());
        }
        if (type.endsWith("runtimeoptions.v1.Options")) {
            var cri = dev.wasmj.shim.proto.runtimeoptions.Options.parseFrom(options.getValue());
            if (!cri.getConfigBody().isEmpty()) {
                return new RuntimeOptions(type, systemdCgroupIn(cri.getConfigBody().toString(StandardCharsets.UTF_8)));
            }
            if (!cri.getConfigPath().isEmpty()) {
                Path file = Path.of(cri.getConfigPath());
                try {
                    return new RuntimeOptions(file.toString(), systemdCgroupIn(Files.readString(file)));
                } catch (IOException e) {
                    throw new IllegalArgumentException("the runtime's options name ConfigPath " + file
                            + ", which cannot be read: " + e.getMessage(), e);
                }
            }
            return new RuntimeOptions(type, false);
        }
        return new RuntimeOptions(type.isEmpty() ? "none" : type, false);
    }

    /** {@code SystemdCgroup = true} at the top level of a TOML table (comments and other keys ignored). */
    static boolean systemdCgroupIn(String toml) {
        for (String line : toml.split("\n")) {
            int hash = line.indexOf('#');
            String l = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (l.startsWith("[")) return false; // a sub-table: the handler's own keys came first
            int eq = l.indexOf('=');
            if (eq < 0) continue;
            String key = l.substring(0, eq).trim().replace("\"", "");
            if (key.equals("SystemdCgroup")) return l.substring(eq + 1).trim().toLowerCase(Locale.ROOT).equals("true");
        }
        return false;
    }

    /** Why these options cannot be honoured here, or null if they can. */
    public String refusal() {
        if (!systemdCgroup) return null;
        return "the runtime's options set SystemdCgroup = true, "
                + (CgroupPath.systemdRunning() ? "but this shim has no systemd cgroup driver yet" : "but " + CgroupPath.SYSTEMD_ABSENT)
                + "; set SystemdCgroup = false in the runtime handler's options (cgroupfs paths work everywhere)";
    }
}
