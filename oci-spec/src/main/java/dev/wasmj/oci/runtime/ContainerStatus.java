package dev.wasmj.oci.runtime;

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
}
