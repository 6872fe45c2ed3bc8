package dev.wasmj.oci.runtime;

import dev.wasmj.oci.OciJson;
import java.nio.file.Path;

/** Loads a config.json: reads it, maps it, validates it. Every failure is a {@link SpecException}. */
public final class SpecLoader {
    private SpecLoader() {}

    public static Spec load(Path configJson) {
        String name = configJson.getFileName().toString();
        return parse(OciJson.read(configJson, name), name);
    }

    /** sourceName prefixes every error message, e.g. "config.json". */
    public static Spec parse(String json, String sourceName) {
        Spec spec = OciJson.parse(json, sourceName, Spec.class);
        SpecValidator.validate(spec, sourceName);
        return spec;
    }

    public static String toJson(Object document) {
        return OciJson.toJson(document);
    }
}
