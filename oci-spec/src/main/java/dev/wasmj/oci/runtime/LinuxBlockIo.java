package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** linux.resources.blockIO. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxBlockIo extends Extensible {
    private Integer weight;
    private Integer leafWeight;
    private List<LinuxWeightDevice> weightDevice;
    private List<LinuxThrottleDevice> throttleReadBpsDevice;
    private List<LinuxThrottleDevice> throttleWriteBpsDevice;
    private List<LinuxThrottleDevice> throttleReadIOPSDevice;
    private List<LinuxThrottleDevice> throttleWriteIOPSDevice;

    public Integer getWeight() {
        return weight;
    }

    public void setWeight(Integer weight) {
        this.weight = weight;
    }

    public Integer getLeafWeight() {
        return leafWeight;
    }

    public void setLeafWeight(Integer leafWeight) {
        this.leafWeight = leafWeight;
    }

    public List<LinuxWeightDevice> getWeightDevice() {
        return weightDevice;
    }

    public void setWeightDevice(List<LinuxWeightDevice> weightDevice) {
        this.weightDevice = weightDevice;
    }

    public List<LinuxThrottleDevice> getThrottleReadBpsDevice() {
        return throttleReadBpsDevice;
    }

    public void setThrottleReadBpsDevice(List<LinuxThrottleDevice> throttleReadBpsDevice) {
        this.throttleReadBpsDevice = throttleReadBpsDevice;
    }

    public List<LinuxThrottleDevice> getThrottleWriteBpsDevice() {
        return throttleWriteBpsDevice;
    }

    public void setThrottleWriteBpsDevice(List<LinuxThrottleDevice> throttleWriteBpsDevice) {
        this.throttleWriteBpsDevice = throttleWriteBpsDevice;
    }

    public List<LinuxThrottleDevice> getThrottleReadIOPSDevice() {
        return throttleReadIOPSDevice;
    }

    public void setThrottleReadIOPSDevice(List<LinuxThrottleDevice> throttleReadIOPSDevice) {
        this.throttleReadIOPSDevice = throttleReadIOPSDevice;
    }

    public List<LinuxThrottleDevice> getThrottleWriteIOPSDevice() {
        return throttleWriteIOPSDevice;
    }

    public void setThrottleWriteIOPSDevice(List<LinuxThrottleDevice> throttleWriteIOPSDevice) {
        this.throttleWriteIOPSDevice = throttleWriteIOPSDevice;
    }
}
