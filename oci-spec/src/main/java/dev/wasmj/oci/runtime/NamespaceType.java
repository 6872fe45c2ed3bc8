package dev.wasmj.oci.runtime;

import java.util.Optional;

/** The namespace types of linux.namespaces[].type. */
public enum NamespaceType {
    PID("pid"),
    NETWORK("network"),
    MOUNT("mount"),
    IPC("ipc"),
    UTS("uts"),
    USER("user"),
    CGROUP("cgroup"),
    TIME("time");

    private final String jsonName;

    NamespaceType(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static Optional<NamespaceType> fromJson(String name) {
        for (NamespaceType t : values()) {
            if (t.jsonName.equals(name)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
