package dev.wasmj.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One of linux.namespaces; type stays a string so validation can name an unknown one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LinuxNamespace extends Extensible {
    private String type;
    private String path;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    /** The type as an enum; throws IllegalArgumentException for an unknown type. */
    public NamespaceType namespaceType() {
        return NamespaceType.fromJson(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown namespace \"" + type + "\""));
    }
}
