package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A per-device block io throttle. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxThrottleDevice extends Extensible {
    private Long major;
    private Long minor;
    private Long rate;

    public Long getMajor() {
        return major;
    }

    public void setMajor(Long major) {
        this.major = major;
    }

    public Long getMinor() {
        return minor;
    }

    public void setMinor(Long minor) {
        this.minor = minor;
    }

    public Long getRate() {
        return rate;
    }

    public void setRate(Long rate) {
        this.rate = rate;
    }
}
