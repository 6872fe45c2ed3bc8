package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** linux.resources: cgroup limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxResources extends Extensible {
    private List<LinuxDeviceCgroup> devices;
    private LinuxMemory memory;
    private LinuxCpu cpu;
    private LinuxPids pids;
    private LinuxBlockIo blockIO;
    private List<LinuxHugepageLimit> hugepageLimits;
    private LinuxNetwork network;
    private Map<String, Object> rdma;
    private Map<String, String> unified;

    public List<LinuxDeviceCgroup> getDevices() {
        return devices;
    }

    public void setDevices(List<LinuxDeviceCgroup> devices) {
        this.devices = devices;
    }

    public LinuxMemory getMemory() {
        return memory;
    }

    public void setMemory(LinuxMemory memory) {
        this.memory = memory;
    }

    public LinuxCpu getCpu() {
        return cpu;
    }

    public void setCpu(LinuxCpu cpu) {
        this.cpu = cpu;
    }

    public LinuxPids getPids() {
        return pids;
    }

    public void setPids(LinuxPids pids) {
        this.pids = pids;
    }

    public LinuxBlockIo getBlockIO() {
        return blockIO;
    }

    public void setBlockIO(LinuxBlockIo blockIO) {
        this.blockIO = blockIO;
    }

    public List<LinuxHugepageLimit> getHugepageLimits() {
        return hugepageLimits;
    }

    public void setHugepageLimits(List<LinuxHugepageLimit> hugepageLimits) {
        this.hugepageLimits = hugepageLimits;
    }

    public LinuxNetwork getNetwork() {
        return network;
    }

    public void setNetwork(LinuxNetwork network) {
        this.network = network;
    }

    public Map<String, Object> getRdma() {
        return rdma;
    }

    public void setRdma(Map<String, Object> rdma) {
        this.rdma = rdma;
    }

    public Map<String, String> getUnified() {
        return unified;
    }

    public void setUnified(Map<String, String> unified) {
        this.unified = unified;
    }
}
