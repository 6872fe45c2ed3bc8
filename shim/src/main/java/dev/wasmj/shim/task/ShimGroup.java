package dev.wasmj.shim.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which group a container belongs to: its pod (the CRI's sandbox id annotation), or itself. Every container
 * of a group is served by one shim server, which {@code start} finds by the group's socket; a server may
 * serve several groups (docs/shim.md, "Shared servers").
 */
public final class ShimGroup {
    public static final String SANDBOX_ANNOTATION = "io.kubernetes.cri.sandbox-id";

    private ShimGroup() {}

    /** The group of the container {@code id} whose bundle is {@code bundle} (itself when it has no config.json). */
    public static String of(String id, Path bundle) throws IOException {
        return pod(bundle).orElse(id);
    }

    /** The pod (CRI sandbox) the bundle's container belongs to, the pod's own sandbox container included. */
    public static java.util.Optional<String> pod(Path bundle) throws IOException {
        try {
            String sandbox = sandboxId(Files.readString(bundle.resolve("config.json")));
            return sandbox == null || sandbox.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(sandbox);
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        }
    }

    private static final Pattern SANDBOX = Pattern.compile(
            "\"" + Pattern.quote(SANDBOX_ANNOTATION) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * The sandbox id annotation's value (JSON escapes undone), or null. Found in the text instead of loading the
     * whole spec: {@code start} needs only this, and a JSON binding costs a short process more than all else it does.
     */
    public static String sandboxId(String configJson) {
        Matcher m = SANDBOX.matcher(configJson);
        if (!m.find()) return null;
        return m.group(1).replaceAll("\\\\(.)", "$1");
    }
}
