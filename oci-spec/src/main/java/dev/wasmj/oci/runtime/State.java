package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The state document of a container (OCI runtime spec, runtime.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class State extends Extensible {
    private String ociVersion;
    private String id;
    private String status;
    private Integer pid;
    private String bundle;
    private Map<String, String> annotations;

    public String getOciVersion() {
        return ociVersion;
    }

    public void setOciVersion(String ociVersion) {
        this.ociVersion = ociVersion;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public Integer getPid() {
        return pid;
    }

    public void setPid(Integer pid) {
        this.pid = pid;
    }

    public String getBundle() {
        return bundle;
    }

    public void setBundle(String bundle) {
        this.bundle = bundle;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    /** The status as an enum; throws IllegalArgumentException for an unknown status. */
    public ContainerStatus containerStatus() {
        return ContainerStatus.fromJson(status)
                .orElseThrow(() -> new IllegalArgumentException("unknown container status \"" + status + "\""));
    }
}
