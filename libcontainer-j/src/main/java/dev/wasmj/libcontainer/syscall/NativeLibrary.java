package dev.wasmj.libcontainer.syscall;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds and loads libcontainerj.so. It is never extracted to a temporary file: it sits next to the jar
 * in a distribution ({@code lib/}), or in {@code target/native} during the build, or where the system
 * property {@code wasmj.native.dir} says.
 */
public final class NativeLibrary {
    static final String FILE_NAME = "libcontainerj.so";
    static final String DIR_PROPERTY = "wasmj.native.dir";

    private NativeLibrary() {}

    static void load() {
        Path library = locate();
        System.load(library.toString());
    }

    public static Path locate() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null) {
            Path p = Path.of(configured, FILE_NAME);
            if (Files.isRegularFile(p)) return p;
            throw new UnsatisfiedLinkError(FILE_NAME + " not found in " + DIR_PROPERTY + "=" + configured);
        }
        Path codeSource = codeSource();
        // dist layout: lib/libcontainer-j.jar next to lib/libcontainerj.so
        Path besideJar = codeSource.resolveSibling(FILE_NAME);
        if (Files.isRegularFile(besideJar)) return besideJar;
        // build layout: target/classes next to target/native
        Path inTarget = codeSource.resolveSibling("native").resolve(FILE_NAME);
        if (Files.isRegularFile(inTarget)) return inTarget;
        throw new UnsatisfiedLinkError(FILE_NAME + " not found beside " + codeSource
                + "; set -D" + DIR_PROPERTY + "=<dir>");
    }

    /** The jar or classes directory this class was loaded from. */
    static Path codeSource() {
        try {
            return Path.of(NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
