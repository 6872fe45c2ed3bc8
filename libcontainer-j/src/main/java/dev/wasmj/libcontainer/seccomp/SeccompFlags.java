package dev.wasmj.libcontainer.seccomp;

import dev.wasmj.oci.runtime.LinuxSeccomp;
import java.util.List;

/** linux.seccomp.flags as the SECCOMP_FILTER_FLAG_* bits (linux/seccomp.h) for seccomp(SECCOMP_SET_MODE_FILTER). */
final class SeccompFlags {
    static final int LOG = 1 << 1;
    static final int SPEC_ALLOW = 1 << 2;

    private SeccompFlags() {}

    static int of(LinuxSeccomp profile) {
        List<String> flags = profile.getFlags();
        if (flags == null) return 0;
        int bits = 0;
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            String field = "linux.seccomp.flags[" + i + "]";
            if (flag == null) throw SeccompException.field(field, "missing");
            switch (flag) {
                case "SECCOMP_FILTER_FLAG_TSYNC":
                    // Accepted, not passed on: the filter is installed just before execve, which ends every
                    // other thread; syncing it onto the JVM's threads first could only kill them early.
                    break;
                case "SECCOMP_FILTER_FLAG_LOG":
                    bits |= LOG;
                    break;
                case "SECCOMP_FILTER_FLAG_SPEC_ALLOW":
                    bits |= SPEC_ALLOW;
                    break;
                case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV":
                    throw SeccompException.field(field, flag + " needs a seccomp notify listener, which is not supported yet");
                default:
                    throw SeccompException.field(field, "unknown flag \"" + flag + "\"");
            }
        }
        return bits;
    }
}
