package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** linux.resources.pids. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxPids extends Extensible {
    private Long limit;

    public Long getLimit() {
        return limit;
    }

    public void setLimit(Long limit) {
        this.limit = limit;
    }
}
