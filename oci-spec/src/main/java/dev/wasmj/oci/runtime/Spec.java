package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The root of config.json (OCI runtime spec 1.2). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Spec extends Extensible {
    private String ociVersion;
    private Process process;
    private Root root;
    private String hostname;
    private String domainname;
    private List<Mount> mounts;
    private Hooks hooks;
    private Map<String, String> annotations;
    private Linux linux;

    public String getOciVersion() {
        return ociVersion;
    }

    public void setOciVersion(String ociVersion) {
        this.ociVersion = ociVersion;
    }

    public Process getProcess() {
        return process;
    }

    public void setProcess(Process process) {
        this.process = process;
    }

    public Root getRoot() {
        return root;
    }

    public void setRoot(Root root) {
        this.root = root;
    }

    public String getHostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public String getDomainname() {
        return domainname;
    }

    public void setDomainname(String domainname) {
        this.domainname = domainname;
    }

    public List<Mount> getMounts() {
        return mounts;
    }

    public void setMounts(List<Mount> mounts) {
        this.mounts = mounts;
    }

    public Hooks getHooks() {
        return hooks;
    }

    public void setHooks(Hooks hooks) {
        this.hooks = hooks;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public Linux getLinux() {
        return linux;
    }

    public void setLinux(Linux linux) {
        this.linux = linux;
    }
}
