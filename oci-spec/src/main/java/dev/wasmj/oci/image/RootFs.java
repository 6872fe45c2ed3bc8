package dev.wasmj.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wasmj.oci.runtime.Extensible;
import java.util.List;

/** The rootfs section of an image configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RootFs extends Extensible {
    private String type;
    private List<String> diffIds;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    @JsonProperty("diff_ids")
    public List<String> getDiffIds() {
        return diffIds;
    }

    @JsonProperty("diff_ids")
    public void setDiffIds(List<String> diffIds) {
        this.diffIds = diffIds;
    }
}
