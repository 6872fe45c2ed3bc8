package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** linux: the Linux-specific part of config.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Linux extends Extensible {
    private List<LinuxNamespace> namespaces;
    private List<LinuxIdMapping> uidMappings;
    private List<LinuxIdMapping> gidMappings;
    private Map<String, Object> timeOffsets;
    private List<LinuxDevice> devices;
    private String cgroupsPath;
    private LinuxResources resources;
    private String rootfsPropagation;
    private LinuxSeccomp seccomp;
    private Map<String, String> sysctl;
    private List<String> maskedPaths;
    private List<String> readonlyPaths;
    private String mountLabel;
    private Map<String, Object> intelRdt;
    private Map<String, Object> personality;

    public List<LinuxNamespace> getNamespaces() {
        return namespaces;
    }

    public void setNamespaces(List<LinuxNamespace> namespaces) {
        this.namespaces = namespaces;
    }

    public List<LinuxIdMapping> getUidMappings() {
        return uidMappings;
    }

    public void setUidMappings(List<LinuxIdMapping> uidMappings) {
        this.uidMappings = uidMappings;
    }

    public List<LinuxIdMapping> getGidMappings() {
        return gidMappings;
    }

    public void setGidMappings(List<LinuxIdMapping> gidMappings) {
        this.gidMappings = gidMappings;
    }

    public Map<String, Object> getTimeOffsets() {
        return timeOffsets;
    }

    public void setTimeOffsets(Map<String, Object> timeOffsets) {
        this.timeOffsets = timeOffsets;
    }

    public List<LinuxDevice> getDevices() {
        return devices;
    }

    public void setDevices(List<LinuxDevice> devices) {
        this.devices = devices;
    }

    public String getCgroupsPath() {
        return cgroupsPath;
    }

    public void setCgroupsPath(String cgroupsPath) {
        this.cgroupsPath = cgroupsPath;
    }

    public LinuxResources getResources() {
        return resources;
    }

    public void setResources(LinuxResources resources) {
        this.resources = resources;
    }

    public String getRootfsPropagation() {
        return rootfsPropagation;
    }

    public void setRootfsPropagation(String rootfsPropagation) {
        this.rootfsPropagation = rootfsPropagation;
    }

    public LinuxSeccomp getSeccomp() {
        return seccomp;
    }

    public void setSeccomp(LinuxSeccomp seccomp) {
        this.seccomp = seccomp;
    }

    public Map<String, String> getSysctl() {
        return sysctl;
    }

    public void setSysctl(Map<String, String> sysctl) {
        this.sysctl = sysctl;
    }

    public List<String> getMaskedPaths() {
        return maskedPaths;
    }

    public void setMaskedPaths(List<String> maskedPaths) {
        this.maskedPaths = maskedPaths;
    }

    public List<String> getReadonlyPaths() {
        return readonlyPaths;
    }

    public void setReadonlyPaths(List<String> readonlyPaths) {
        this.readonlyPaths = readonlyPaths;
    }

    public String getMountLabel() {
        return mountLabel;
    }

    public void setMountLabel(String mountLabel) {
        this.mountLabel = mountLabel;
    }

    public Map<String, Object> getIntelRdt() {
        return intelRdt;
    }

    public void setIntelRdt(Map<String, Object> intelRdt) {
        this.intelRdt = intelRdt;
    }

    public Map<String, Object> getPersonality() {
        return personality;
    }

    public void setPersonality(Map<String, Object> personality) {
        this.personality = personality;
    }
}
