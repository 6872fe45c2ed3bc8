package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** process.capabilities: capability names per set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxCapabilities extends Extensible {
    private List<String> bounding;
    private List<String> effective;
    private List<String> inheritable;
    private List<String> permitted;
    private List<String> ambient;

    public List<String> getBounding() {
        return bounding;
    }

    public void setBounding(List<String> bounding) {
        this.bounding = bounding;
    }

    public List<String> getEffective() {
        return effective;
    }

    public void setEffective(List<String> effective) {
        this.effective = effective;
    }

    public List<String> getInheritable() {
        return inheritable;
    }

    public void setInheritable(List<String> inheritable) {
        this.inheritable = inheritable;
    }

    public List<String> getPermitted() {
        return permitted;
    }

    public void setPermitted(List<String> permitted) {
        this.permitted = permitted;
    }

    public List<String> getAmbient() {
        return ambient;
    }

    public void setAmbient(List<String> ambient) {
        this.ambient = ambient;
    }
}
