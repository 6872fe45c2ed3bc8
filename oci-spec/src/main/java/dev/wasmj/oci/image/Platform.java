package dev.wasmj.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wasmj.oci.runtime.Extensible;
import java.util.List;

/** The platform an image or manifest is for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Platform extends Extensible {
    private String architecture;
    private String os;
    private String osVersion;
    private List<String> osFeatures;
    private String variant;

    public String getArchitecture() {
        return architecture;
    }

    public void setArchitecture(String architecture) {
        this.architecture = architecture;
    }

    public String getOs() {
        return os;
    }

    public void setOs(String os) {
        this.os = os;
    }

    @JsonProperty("os.version")
    public String getOsVersion() {
        return osVersion;
    }

    @JsonProperty("os.version")
    public void setOsVersion(String osVersion) {
        this.osVersion = osVersion;
    }

    @JsonProperty("os.features")
    public List<String> getOsFeatures() {
        return osFeatures;
    }

    @JsonProperty("os.features")
    public void setOsFeatures(List<String> osFeatures) {
        this.osFeatures = osFeatures;
    }

    public String getVariant() {
        return variant;
    }

    public void setVariant(String variant) {
        this.variant = variant;
    }
}
