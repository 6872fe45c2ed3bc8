package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An argument condition of a seccomp rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxSeccompArg extends Extensible {
    private Integer index;
    private Long value;
    private Long valueTwo;
    private String op;

    public Integer getIndex() {
        return index;
    }

    public void setIndex(Integer index) {
        this.index = index;
    }

    public Long getValue() {
        return value;
    }

    public void setValue(Long value) {
        this.value = value;
    }

    public Long getValueTwo() {
        return valueTwo;
    }

    public void setValueTwo(Long valueTwo) {
        this.valueTwo = valueTwo;
    }

    public String getOp() {
        return op;
    }

    public void setOp(String op) {
        this.op = op;
    }
}
