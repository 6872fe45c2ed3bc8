package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One entry of mounts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Mount extends Extensible {
    private String destination;
    private String type;
    private String source;
    private List<String> options;
    private List<LinuxIdMapping> uidMappings;
    private List<LinuxIdMapping> gidMappings;

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public List<String> getOptions() {
        return options;
    }

    public void setOptions(List<String> options) {
        this.options = options;
    }

    public List<LinuxIdMapping> getUidMappings() {
        return uidMappings;
    }

    public void setUidMappings(List<LinuxIdMapping> uidMappings) {
        this.uidMappings = uidMappings;
    }

    public List<LinuxIdMapping> getGidMappings() {
        return gidMappings;
    }

    public void setGidMappings(List<LinuxIdMapping> gidMappings) {
        this.gidMappings = gidMappings;
    }
}
