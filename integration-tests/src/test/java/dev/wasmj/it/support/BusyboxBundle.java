package dev.wasmj.it.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI bundle the tests build themselves: a rootfs holding Debian's busybox-static with its applet
 * links, and a config.json like `runc spec` writes, which a test adjusts through {@link #config()}.
 */
public final class BusyboxBundle {
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls", "hostname", "sleep", "ps", "id",
            "mount", "touch", "dd", "seq", "true", "false", "wc", "head", "tail", "grep", "kill", "readlink", "stat",
            "env", "pwd", "mkdir", "rm", "test", "[", "sync", "printf", "date", "tr", "tty", "stty");

    private final Path dir;
    private final ObjectNode config;

    private BusyboxBundle(Path dir, ObjectNode config) {
        this.dir = dir;
        this.config = config;
    }

    /** A new bundle under parent (a test's temp dir) running {@code args}. */
    public static BusyboxBundle create(Path parent, String... args) {
        try {
            Path dir = Files.createDirectories(parent.resolve("bundle-" + System.nanoTime()));
            Path rootfs = dir.resolve("rootfs");
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root")) Files.createDirectories(rootfs.resolve(d));
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            for (String applet : APPLETS) Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            Files.writeString(rootfs.resolve("etc/hostname-in-image"), "image\n");
            ObjectNode config;
            try (InputStream in = BusyboxBundle.class.getResourceAsStream("/default-config.json")) {
                config = (ObjectNode) JSON.readTree(in);
            }
            BusyboxBundle bundle = new BusyboxBundle(dir, config);
            bundle.args(args);
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    /** The config.json being built; {@link #write()} saves it. */
    public ObjectNode config() {
        return config;
    }

    public BusyboxBundle args(String... args) {
        ArrayNode array = ((ObjectNode) config.get("process")).putArray("args");
        for (String a : args) array.add(a);
        return write();
    }

    /** {@code sh -c script}. */
    public BusyboxBundle shell(String script) {
        return args("sh", "-c", script);
    }

    public ObjectNode linux() {
        return (ObjectNode) config.get("linux");
    }

    public ObjectNode resources() {
        return (ObjectNode) linux().get("resources");
    }

    public BusyboxBundle write() {
        try {
            Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
