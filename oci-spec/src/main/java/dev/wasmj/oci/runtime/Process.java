package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The container process: process in config.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Process extends Extensible {
    private Boolean terminal;
    private ConsoleSize consoleSize;
    private User user;
    private List<String> args;
    private String commandLine;
    private List<String> env;
    private String cwd;
    private LinuxCapabilities capabilities;
    private List<PosixRlimit> rlimits;
    private Boolean noNewPrivileges;
    private String apparmorProfile;
    private Integer oomScoreAdj;
    private String selinuxLabel;
    private Map<String, Object> ioPriority;
    private Map<String, Object> scheduler;
    private List<Map<String, Object>> execCPUAffinity;

    public Boolean getTerminal() {
        return terminal;
    }

    public void setTerminal(Boolean terminal) {
        this.terminal = terminal;
    }

    public ConsoleSize getConsoleSize() {
        return consoleSize;
    }

    public void setConsoleSize(ConsoleSize consoleSize) {
        this.consoleSize = consoleSize;
    }

    public User getUser() {
        return user;
    }

    public void setUser(User user) {
        this.user = user;
    }

    public List<String> getArgs() {
        return args;
    }

    public void setArgs(List<String> args) {
        this.args = args;
    }

    public String getCommandLine() {
        return commandLine;
    }

    public void setCommandLine(String commandLine) {
        this.commandLine = commandLine;
    }

    public List<String> getEnv() {
        return env;
    }

    public void setEnv(List<String> env) {
        this.env = env;
    }

    public String getCwd() {
        return cwd;
    }

    public void setCwd(String cwd) {
        this.cwd = cwd;
    }

    public LinuxCapabilities getCapabilities() {
        return capabilities;
    }

    public void setCapabilities(LinuxCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    public List<PosixRlimit> getRlimits() {
        return rlimits;
    }

    public void setRlimits(List<PosixRlimit> rlimits) {
        this.rlimits = rlimits;
    }

    public Boolean getNoNewPrivileges() {
        return noNewPrivileges;
    }

    public void setNoNewPrivileges(Boolean noNewPrivileges) {
        this.noNewPrivileges = noNewPrivileges;
    }

    public String getApparmorProfile() {
        return apparmorProfile;
    }

    public void setApparmorProfile(String apparmorProfile) {
        this.apparmorProfile = apparmorProfile;
    }

    public Integer getOomScoreAdj() {
        return oomScoreAdj;
    }

    public void setOomScoreAdj(Integer oomScoreAdj) {
        this.oomScoreAdj = oomScoreAdj;
    }

    public String getSelinuxLabel() {
        return selinuxLabel;
    }

    public void setSelinuxLabel(String selinuxLabel) {
        this.selinuxLabel = selinuxLabel;
    }

    public Map<String, Object> getIoPriority() {
        return ioPriority;
    }

    public void setIoPriority(Map<String, Object> ioPriority) {
        this.ioPriority = ioPriority;
    }

    public Map<String, Object> getScheduler() {
        return scheduler;
    }

    public void setScheduler(Map<String, Object> scheduler) {
        this.scheduler = scheduler;
    }

    public List<Map<String, Object>> getExecCPUAffinity() {
        return execCPUAffinity;
    }

    public void setExecCPUAffinity(List<Map<String, Object>> execCPUAffinity) {
        this.execCPUAffinity = execCPUAffinity;
    }
}
