package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** linux.seccomp: the seccomp profile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxSeccomp extends Extensible {
    private String defaultAction;
    private Integer defaultErrnoRet;
    private List<String> architectures;
    private List<String> flags;
    private String listenerPath;
    private String listenerMetadata;
    private List<LinuxSyscall> syscalls;

    public String getDefaultAction() {
        return defaultAction;
    }

    public void setDefaultAction(String defaultAction) {
        this.defaultAction = defaultAction;
    }

    public Integer getDefaultErrnoRet() {
        return defaultErrnoRet;
    }

    public void setDefaultErrnoRet(Integer defaultErrnoRet) {
        this.defaultErrnoRet = defaultErrnoRet;
    }

    public List<String> getArchitectures() {
        return architectures;
    }

    public void setArchitectures(List<String> architectures) {
        this.architectures = architectures;
    }

    public List<String> getFlags() {
        return flags;
    }

    public void setFlags(List<String> flags) {
        this.flags = flags;
    }

    public String getListenerPath() {
        return listenerPath;
    }

    public void setListenerPath(String listenerPath) {
        this.listenerPath = listenerPath;
    }

    public String getListenerMetadata() {
        return listenerMetadata;
    }

    public void setListenerMetadata(String listenerMetadata) {
        this.listenerMetadata = listenerMetadata;
    }

    public List<LinuxSyscall> getSyscalls() {
        return syscalls;
    }

    public void setSyscalls(List<LinuxSyscall> syscalls) {
        this.syscalls = syscalls;
    }
}
