package dev.wasmj.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wasmj.oci.runtime.Extensible;
import java.util.List;
import java.util.Map;

/** The config section of an image configuration: how to run it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExecConfig extends Extensible {
    private String user;
    private Map<String, Object> exposedPorts;
    private List<String> env;
    private List<String> entrypoint;
    private List<String> cmd;
    private Map<String, Object> volumes;
    private String workingDir;
    private Map<String, String> labels;
    private String stopSignal;

    @JsonProperty("User")
    public String getUser() {
        return user;
    }

    @JsonProperty("User")
    public void setUser(String user) {
        this.user = user;
    }

    @JsonProperty("ExposedPorts")
    public Map<String, Object> getExposedPorts() {
        return exposedPorts;
    }

    @JsonProperty("ExposedPorts")
    public void setExposedPorts(Map<String, Object> exposedPorts) {
        this.exposedPorts = exposedPorts;
    }

    @JsonProperty("Env")
    public List<String> getEnv() {
        return env;
    }

    @JsonProperty("Env")
    public void setEnv(List<String> env) {
        this.env = env;
    }

    @JsonProperty("Entrypoint")
    public List<String> getEntrypoint() {
        return entrypoint;
    }

    @JsonProperty("Entrypoint")
    public void setEntrypoint(List<String> entrypoint) {
        this.entrypoint = entrypoint;
    }

    @JsonProperty("Cmd")
    public List<String> getCmd() {
        return cmd;
    }

    @JsonProperty("Cmd")
    public void setCmd(List<String> cmd) {
        this.cmd = cmd;
    }

    @JsonProperty("Volumes")
    public Map<String, Object> getVolumes() {
        return volumes;
    }

    @JsonProperty("Volumes")
    public void setVolumes(Map<String, Object> volumes) {
        this.volumes = volumes;
    }

    @JsonProperty("WorkingDir")
    public String getWorkingDir() {
        return workingDir;
    }

    @JsonProperty("WorkingDir")
    public void setWorkingDir(String workingDir) {
        this.workingDir = workingDir;
    }

    @JsonProperty("Labels")
    public Map<String, String> getLabels() {
        return labels;
    }

    @JsonProperty("Labels")
    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    @JsonProperty("StopSignal")
    public String getStopSignal() {
        return stopSignal;
    }

    @JsonProperty("StopSignal")
    public void setStopSignal(String stopSignal) {
        this.stopSignal = stopSignal;
    }
}
