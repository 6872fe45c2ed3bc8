package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One of linux.resources.hugepageLimits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxHugepageLimit extends Extensible {
    private String pageSize;
    private Long limit;

    public String getPageSize() {
        return pageSize;
    }

    public void setPageSize(String pageSize) {
        this.pageSize = pageSize;
    }

    public Long getLimit() {
        return limit;
    }

    public void setLimit(Long limit) {
        this.limit = limit;
    }
}
