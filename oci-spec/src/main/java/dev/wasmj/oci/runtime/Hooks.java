package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** hooks: commands run at points of the lifecycle. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Hooks extends Extensible {
    private List<Hook> prestart;
    private List<Hook> createRuntime;
    private List<Hook> createContainer;
    private List<Hook> startContainer;
    private List<Hook> poststart;
    private List<Hook> poststop;

    public List<Hook> getPrestart() {
        return prestart;
    }

    public void setPrestart(List<Hook> prestart) {
        this.prestart = prestart;
    }

    public List<Hook> getCreateRuntime() {
        return createRuntime;
    }

    public void setCreateRuntime(List<Hook> createRuntime) {
        this.createRuntime = createRuntime;
    }

    public List<Hook> getCreateContainer() {
        return createContainer;
    }

    public void setCreateContainer(List<Hook> createContainer) {
        this.createContainer = createContainer;
    }

    public List<Hook> getStartContainer() {
        return startContainer;
    }

    public void setStartContainer(List<Hook> startContainer) {
        this.startContainer = startContainer;
    }

    public List<Hook> getPoststart() {
        return poststart;
    }

    public void setPoststart(List<Hook> poststart) {
        this.poststart = poststart;
    }

    public List<Hook> getPoststop() {
        return poststop;
    }

    public void setPoststop(List<Hook> poststop) {
        this.poststop = poststop;
    }
}
