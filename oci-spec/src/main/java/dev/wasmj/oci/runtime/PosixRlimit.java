package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One of process.rlimits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PosixRlimit extends Extensible {
    private String type;
    private Long hard;
    private Long soft;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public Long getHard() {
        return hard;
    }

    public void setHard(Long hard) {
        this.hard = hard;
    }

    public Long getSoft() {
        return soft;
    }

    public void setSoft(Long soft) {
        this.soft = soft;
    }
}
