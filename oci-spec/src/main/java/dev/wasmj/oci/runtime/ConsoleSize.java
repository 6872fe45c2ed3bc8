package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** process.consoleSize. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConsoleSize extends Extensible {
    private Integer height;
    private Integer width;

    public Integer getHeight() {
        return height;
    }

    public void setHeight(Integer height) {
        this.height = height;
    }

    public Integer getWidth() {
        return width;
    }

    public void setWidth(Integer width) {
        this.width = width;
    }
}
