package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A per-device block io weight. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxWeightDevice extends Extensible {
    private Long major;
    private Long minor;
    private Integer weight;
    private Integer leafWeight;

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
}
