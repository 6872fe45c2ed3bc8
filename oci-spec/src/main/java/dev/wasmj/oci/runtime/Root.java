package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** root: the rootfs path, relative to the bundle or absolute. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Root extends Extensible {
    private String path;
    private Boolean readonly;

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Boolean getReadonly() {
        return readonly;
    }

    public void setReadonly(Boolean readonly) {
        this.readonly = readonly;
    }
}
