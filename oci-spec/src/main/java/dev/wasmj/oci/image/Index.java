package dev.wasmj.oci.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wasmj.oci.runtime.Extensible;
import java.util.List;
import java.util.Map;

/** An image index: manifests for several platforms. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Index extends Extensible {
    private Integer schemaVersion;
    private String mediaType;
    private String artifactType;
    private List<Descriptor> manifests;
    private Descriptor subject;
    private Map<String, String> annotations;

    public Integer getSchemaVersion() {
        return schemaVersion;
    }

    public void setSchemaVersion(Integer schemaVersion) {
        this.schemaVersion = schemaVersion;
    }

    public String getMediaType() {
        return mediaType;
    }

    public void setMediaType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String getArtifactType() {
        return artifactType;
    }

    public void setArtifactType(String artifactType) {
        this.artifactType = artifactType;
    }

    public List<Descriptor> getManifests() {
        return manifests;
    }

    public void setManifests(List<Descriptor> manifests) {
        this.manifests = manifests;
    }

    public Descriptor getSubject() {
        return subject;
    }

    public void setSubject(Descriptor subject) {
        this.subject = subject;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
        this.annotations = annotations;
    }
}
