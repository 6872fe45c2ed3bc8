package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.process.LaunchOptions;
import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.oci.runtime.Linux;
import dev.wasmj.oci.runtime.LinuxNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The spec's linux.namespaces as launch options: new ones as clone flags, existing ones joined by path. */
final class Namespaces {
    private static final Map<String, Integer> FLAGS = Map.of(
            "pid", CloneFlags.NEWPID, "network", CloneFlags.NEWNET, "mount", CloneFlags.NEWNS,
            "ipc", CloneFlags.NEWIPC, "uts", CloneFlags.NEWUTS, "cgroup", CloneFlags.NEWCGROUP,
            "user", CloneFlags.NEWUSER);

    private final int newFlags;
    private final List<LinuxNamespace> namespaces;
    /** A new user namespace's maps in the kernel's format, or null. */
    private final String uidMap;
    private final String gidMap;

    private Namespaces(int newFlags, List<LinuxNamespace> namespaces, String uidMap, String gidMap) {
        this.newFlags = newFlags;
        this.namespaces = namespaces;
        this.uidMap = uidMap;
        this.gidMap = gidMap;
    }

    /** Checks what this runtime can do; the messages name the spec field. */
    static Namespaces of(Linux linux) throws ContainerException {
        List<LinuxNamespace> list = linux == null || linux.getNamespaces() == null ? List.of() : linux.getNamespaces();
        int flags = 0;
        for (int i = 0; i < list.size(); i++) {
            LinuxNamespace ns = list.get(i);
            String field = "config.json: linux.namespaces[" + i + "]";
            String type = ns.getType();
            if ("time".equals(type)) {
                throw new ContainerException(field + ": time namespaces are not supported yet");
            }
            Integer flag = FLAGS.get(type);
            if (flag == null) throw new ContainerException(field + ".type: unknown namespace \"" + type + "\"");
            if (ns.getPath() == null || ns.getPath().isEmpty()) {
                flags |= flag;
            } else {
                if (!Files.exists(Path.of(ns.getPath()))) {
                    throw new ContainerException(field + ".path: " + ns.getPath() + " does not exist");
                }
            }
        }
        if ((flags & CloneFlags.NEWUSER) == 0) return new Namespaces(flags, list, null, null);
        return new Namespaces(flags & ~CloneFlags.NEWUSER, list, IdMaps.format(linux.getUidMappings(), "linux.uidMappings"),
                IdMaps.format(linux.getGidMappings(), "linux.gidMappings"));
    }

    boolean isNew(int flag) {
        return (newFlags & flag) != 0;
    }

    /** Whether the container has a namespace of this spec type, new or joined by path. */
    boolean has(String type) {
        return namespaces.stream().anyMatch(ns -> type.equals(ns.getType()));
    }

    /** The path a namespace of this type is joined by, or null when it is new (or absent). */
    String path(String type) {
        return namespaces.stream().filter(ns -> type.equals(ns.getType()) && ns.getPath() != null && !ns.getPath().isEmpty())
                .map(LinuxNamespace::getPath).findFirst().orElse(null);
    }

    /**
     * New namespaces as clone flags, existing ones to join in the spawned child, but a mount namespace: the init
     * JVM is exec'd from the runtime's files and joins it itself (see InitPlan.joinMountNamespace).
     */
    void applyTo(LaunchOptions options) {
        options.newNamespaces(newFlags);
        if (uidMap != null) options.newUserNamespace(uidMap, gidMap);
        for (LinuxNamespace ns : namespaces) {
            if (ns.getPath() == null || ns.getPath().isEmpty() || "mount".equals(ns.getType())) continue;
            options.joinNamespace(FLAGS.get(ns.getType()), ns.getPath());
        }
    }
}
