package dev.wasmj.oci.runtime;

import java.util.Optional;

/** The status values of the state document. */
public enum ContainerStatus {
    CREATING("creating"),
    CREATED("created"),
    RUNNING("running"),
    STOPPED("stopped"),
    PAUSED("paused");

    private final String jsonName;

    ContainerStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static Optional<ContainerStatus> fromJson(String name) {
        for (ContainerStatus s : values()) {
            if (s.jsonName.equals(name)) return Optional.of(s);
        }
        return Optional.empty();
    }
}
