package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** linux.resources.network. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxNetwork extends Extensible {
    private Integer classID;
    private List<Map<String, Object>> priorities;

    public Integer getClassID() {
        return classID;
    }

    public void setClassID(Integer classID) {
        this.classID = classID;
    }

    public List<Map<String, Object>> getPriorities() {
        return priorities;
    }

    public void setPriorities(List<Map<String, Object>> priorities) {
        this.priorities = priorities;
    }
}
