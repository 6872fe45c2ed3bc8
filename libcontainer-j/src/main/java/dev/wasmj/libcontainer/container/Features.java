package dev.wasmj.libcontainer.container;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What this runtime supports, in the shape of the OCI runtime "features" document. */
public final class Features {
    public static final String VERSION = "0.1.0";
    public static final String OCI_VERSION_MIN = "1.0.0";
    public static final String OCI_VERSION_MAX = "1.2.0";

    private Features() {}

    public static Map<String, Object> describe() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ociVersionMin", OCI_VERSION_MIN);
        doc.put("ociVersionMax", OCI_VERSION_MAX);
        doc.put("hooks", List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"));
        doc.put("mountOptions", List.of("async", "atime", "bind", "dev", "diratime", "dirsync", "exec", "lazytime",
                "loud", "mand", "noatime", "nodev", "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime",
                "nosuid", "nosymfollow", "private", "rbind", "relatime", "remount", "ro", "rprivate", "rshared",
                "rslave", "runbindable", "rw", "shared", "silent", "slave", "strictatime", "suid", "symfollow", "sync",
                "unbindable"));
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "user", "uts"));
        linux.put("capabilities", Capabilities.all());
        linux.put("cgroup", Map.of("v1", true, "v2", true, "systemd", false, "systemdUser", false));
        linux.put("seccomp", Map.of("enabled", true, "actions", List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",
                "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE",
                "SCMP_ACT_TRAP"), "operators", List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE")));
        linux.put("apparmor", Map.of("enabled", false));
        linux.put("selinux", Map.of("enabled", false));
        doc.put("linux", linux);
        doc.put("annotations", Map.of("org.opencontainers.runtime-spec.features.implementation", "libcontainer-j"));
        return doc;
    }
}
