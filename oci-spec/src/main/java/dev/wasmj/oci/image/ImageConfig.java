package dev.wasmj.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wasmj.oci.runtime.Extensible;
import java.util.List;
import java.util.Map;

/** An image configuration (application/vnd.oci.image.config.v1+json). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageConfig extends Extensible {
    private String created;
    private String author;
    private String architecture;
    private String os;
    private String osVersion;
    private List<String> osFeatures;
    private String variant;
    private ExecConfig config;
    private RootFs rootfs;
    private List<Map<String, Object>> history;

    public String getCreated() {
        return created;
    }

    public void setCreated(String created) {
        this.created = created;
    }

    public String getAuthor() {
        return author;
    }

    public void setAuthor(String author) {
        this.author = author;
    }

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

    public ExecConfig getConfig() {
        return config;
    }

    public void setConfig(ExecConfig config) {
        this.config = config;
    }

    public RootFs getRootfs() {
        return rootfs;
    }

    public void setRootfs(RootFs rootfs) {
        this.rootfs = rootfs;
    }

    public List<Map<String, Object>> getHistory() {
        return history;
    }

    public void setHistory(List<Map<String, Object>> history) {
        this.history = history;
    }
}
