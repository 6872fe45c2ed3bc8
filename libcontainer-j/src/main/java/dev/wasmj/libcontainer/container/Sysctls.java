package dev.wasmj.libcontainer.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Which of the spec's linux.sysctl keys a container may set: only those of a kernel namespace the container
 * has of its own. Any other key is global: the init writes it as root before it drops anything, so it would
 * change the host's kernel. runc refuses the same keys.
 */
public final class Sysctls {
    /** The IPC namespace's keys (besides fs.mqueue.*). */
    private static final Set<String> IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private Sysctls() {}

    /**
     * The kernel namespace a sysctl key belongs to: "ipc" or "network"; empty for a key that is global (or the
     * uts names, which have their own fields).
     */
    public static java.util.Optional<String> namespaceOf(String key) {
        String name = key.replace('/', '.');
        if (IPC.contains(name) || name.startsWith("fs.mqueue.")) return java.util.Optional.of("ipc");
        if (name.startsWith("net.")) return java.util.Optional.of("network");
        return java.util.Optional.empty();
    }

    static void check(Map<String, String> sysctl, Namespaces namespaces) throws ContainerException {
        if (sysctl == null) return;
        for (String key : sysctl.keySet()) {
            String name = key.replace('/', '.');
            String field = "config.json: linux.sysctl: \"" + key + "\"";
            if (IPC.contains(name) || name.startsWith("fs.mqueue.")) {
                if (!namespaces.has("ipc")) throw new ContainerException(field + " needs an ipc namespace of the container's own");
            } else if (name.startsWith("net.")) {
                if (!namespaces.has("network") || isHostNetwork(namespaces.path("network"))) {
                    throw new ContainerException(field + " needs a network namespace of the container's own, not the host's");
                }
            } else if (name.equals("kernel.hostname") || name.equals("kernel.domainname")) {
                throw new ContainerException(field + ": set the spec's hostname or domainname instead");
            } else {
                throw new ContainerException(field + " is not in a kernel namespace of the container: setting it would"
                        + " change the host");
            }
        }
    }

    /** Whether a network namespace joined by path is this process's own (the host's, for a runtime on the host). */
    private static boolean isHostNetwork(String path) throws ContainerException {
        if (path == null) return false;
        try {
            return Files.isSameFile(Path.of(path), Path.of("/proc/self/ns/net"));
        } catch (IOException e) {
            throw new ContainerException("config.json: linux.namespaces: network path " + path + ": " + e.getMessage(), e);
        }
    }
}
