package dev.wasmj.oci;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
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
            // "{...} garbage" is a damaged file, not a document followed by noise to ignore.
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
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

    /**
     * Maps JSON text to type. A syntax error names line and column ("line 4, column 7: ..."); a value of the
     * wrong type names its field first ("process.args: expected an array, found a string (line 1, column 61)").
     */
    public static <T> T parse(String json, String sourceName, Class<T> type) {
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) throw new SpecException(sourceName + ": empty document (null)");
            return value;
        } catch (StreamReadException e) {
            // Not well-formed JSON: where it broke is what helps, the field is often not known yet.
            throw new SpecException(sourceName + ": " + location(e.getLocation()) + ": " + e.getOriginalMessage(), e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException syntax && !(syntax instanceof InputCoercionException)) {
                // Databind wraps a syntax error met inside a nested object; report it as a syntax error.
                // (A number too large for its field is a value problem: that keeps its field path below.)
                throw new SpecException(sourceName + ": " + location(syntax.getLocation()) + ": "
                        + syntax.getOriginalMessage(), e);
            }
            String field = path(e);
            String prefix = sourceName + ": " + (field.isEmpty() ? "" : field + ": ");
            throw new SpecException(prefix + mappingProblem(e) + " (" + location(e.getLocation()) + ")", e);
        } catch (JsonProcessingException e) {
            throw new SpecException(sourceName + ": " + location(e.getLocation()) + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String mappingProblem(JsonMappingException e) {
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String found = e.getProcessor() instanceof JsonParser p ? found(p.currentToken()) : null;
            return "expected " + describe(m.getTargetType()) + (found == null ? "" : ", found " + found);
        }
        return e.getOriginalMessage();
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
        return l == null ? "unknown location" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static String found(JsonToken t) {
        if (t == null) return null;
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> null;
        };
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
