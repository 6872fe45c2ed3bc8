package dev.wasmj.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wasmj.oci.runtime.Extensible;
import java.util.List;
import java.util.Map;

/** A content descriptor: what a manifest or index points at. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Descriptor extends Extensible {
    private String mediaType;
    private String digest;
    private Long size;
    private List<String> urls;
    private Map<String, String> annotations;
    private String data;
    private String artifactType;
    private Platform platform;

    public String getMediaType() {
        return mediaType;
    }

    public void setMediaType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String getDigest() {
        return digest;
    }

    public void setDigest(String digest) {
        this.digest = digest;
    }

    public Long getSize() {
        return size;
    }

    public void setSize(Long size) {
        this.size = size;
    }

    public List<String> getUrls() {
        return urls;
    }

    public void setUrls(List<String> urls) {
        this.urls = urls;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }

    public String getData() {
        return data;
    }

    public void setData(String data) {
        this.data = data;
    }

    public String getArtifactType() {
        return artifactType;
    }

    public void setArtifactType(String artifactType) {
        this.artifactType = artifactType;
    }

    public Platform getPlatform() {
        return platform;
    }

    public void setPlatform(Platform platform) {
        this.platform = platform;
    }
}
