package dev.wasmj.oci;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.wasmj.oci.runtime.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The one ObjectMapper of the OCI documents, and errors that name the source, line and field. */
public final class OciJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private OciJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads a file; a missing or unreadable file is a SpecException naming it. */
    public static String read(Path file, String sourceName) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SpecException(sourceName + ": no such file " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new SpecException(sourceName + ": cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Maps JSON text to type; syntax errors name line and column, type errors the field path. */
    public static <T> T parse(String json, String sourceName, Class<T> type) {
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) throw new SpecException(sourceName + ": empty document (null)");
            return value;
        } catch (MismatchedInputException e) {
            String path = path(e);
            String what = e.getTargetType() == null ? "wrong type" : "expected " + describe(e.getTargetType());
            if (path.isEmpty()) throw new SpecException(sourceName + ": " + what + " " + location(e.getLocation()), e);
            throw new SpecException(sourceName + ": " + path + ": " + what + " " + location(e.getLocation()), e);
        } catch (JsonMappingException e) {
            String path = path(e);
            throw new SpecException(sourceName + ": " + (path.isEmpty() ? "" : path + ": ") + location(e.getLocation())
                    + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new SpecException(sourceName + ": " + location(e.getLocation()) + ": " + e.getOriginalMessage(), e);
        }
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "linux.namespaces[2].type" from Jackson's reference path. */
    static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) b.append('.');
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String location(JsonLocation l) {
        return l == null ? "" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static String describe(Class<?> type) {
        if (java.util.List.class.isAssignableFrom(type)) return "an array";
        if (java.util.Map.class.isAssignableFrom(type)) return "an object";
        if (type == String.class) return "a string";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) return "a number";
        return "an object";
    }
}
