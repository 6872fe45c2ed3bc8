package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One rule of linux.seccomp.syscalls. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxSyscall extends Extensible {
    private List<String> names;
    private String action;
    private Integer errnoRet;
    private List<LinuxSeccompArg> args;

    public List<String> getNames() {
        return names;
    }

    public void setNames(List<String> names) {
        this.names = names;
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public Integer getErrnoRet() {
        return errnoRet;
    }

    public void setErrnoRet(Integer errnoRet) {
        this.errnoRet = errnoRet;
    }

    public List<LinuxSeccompArg> getArgs() {
        return args;
    }

    public void setArgs(List<LinuxSeccompArg> args) {
        this.args = args;
    }
}
