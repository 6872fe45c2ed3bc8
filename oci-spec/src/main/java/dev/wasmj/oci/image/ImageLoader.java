package dev.wasmj.oci.image;

import dev.wasmj.oci.OciJson;
import dev.wasmj.oci.runtime.SpecException;

/** Parses image documents; errors name the source and field like {@link dev.wasmj.oci.runtime.SpecLoader}. */
public final class ImageLoader {
    private ImageLoader() {}

    public static Manifest manifest(String json, String sourceName) {
        Manifest m = OciJson.parse(json, sourceName, Manifest.class);
        require(m.getSchemaVersion() != null && m.getSchemaVersion() == 2, sourceName, "schemaVersion", "must be 2");
        require(m.getConfig() != null, sourceName, "config", "missing");
        descriptor(m.getConfig(), sourceName, "config");
        if (m.getLayers() != null) {
            for (int i = 0; i < m.getLayers().size(); i++) descriptor(m.getLayers().get(i), sourceName, "layers[" + i + "]");
        }
        return m;
    }

    public static Index index(String json, String sourceName) {
        Index index = OciJson.parse(json, sourceName, Index.class);
        require(index.getSchemaVersion() != null && index.getSchemaVersion() == 2, sourceName, "schemaVersion", "must be 2");
        require(index.getManifests() != null, sourceName, "manifests", "missing");
        for (int i = 0; i < index.getManifests().size(); i++) {
            descriptor(index.getManifests().get(i), sourceName, "manifests[" + i + "]");
        }
        return index;
    }

    public static ImageConfig config(String json, String sourceName) {
        ImageConfig c = OciJson.parse(json, sourceName, ImageConfig.class);
        require(c.getArchitecture() != null, sourceName, "architecture", "missing");
        require(c.getOs() != null, sourceName, "os", "missing");
        return c;
    }

    private static void descriptor(Descriptor d, String source, String field) {
        require(d.getMediaType() != null, source, field + ".mediaType", "missing");
        require(d.getDigest() != null && d.getDigest().matches("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+"),
                source, field + ".digest", "not a digest: \"" + d.getDigest() + "\"");
        require(d.getSize() != null && d.getSize() >= 0, source, field + ".size", "missing or negative");
    }

    private static void require(boolean ok, String source, String field, String message) {
        if (!ok) throw new SpecException(source + ": " + field + ": " + message);
    }
}
