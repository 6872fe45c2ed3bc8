package dev.wasmj.engine.wasmtime;

import io.github.kawamuray.wasmtime.NativeLibraryLoader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Properties;

/**
 * Loads wasmtime-java's JNI library from one stable copy shared by every container.
 *
 * <p>Left alone, wasmtime-java 0.19.0 first tries {@code System.loadLibrary("wasmtime_jni")} and otherwise
 * copies the 18 MB library out of its jar into a new /tmp file on every JVM start, never deleting it. Its
 * library path cannot be changed from code ({@code java.library.path} is read once at JVM start), so the
 * library is extracted once to {@code <cache>/wasmtime/<version>-linux-<arch>/libwasmtime_jni.so}, loaded
 * with {@code System.load} (from this class, i.e. into the class loader that holds wasmtime-java), and
 * wasmtime-java's loader is told it is done.
 */
final class JniLibrary {
    static final String FILE_NAME = "libwasmtime_jni.so";
    private static boolean loaded;

    private JniLibrary() {}

    /** Extracts the library under {@code cacheRoot} unless an intact copy is there, and loads it. */
    static synchronized Path load(Path cacheRoot) throws IOException {
        Path library = directory(cacheRoot).resolve(FILE_NAME);
        if (loaded) return library;
        URL resource = NativeLibraryLoader.class.getResource(resourceName());
        if (resource == null) throw new IOException("wasmtime-java has no native library " + resourceName() + " for this platform");
        // A copy of the jar entry's size is one that a rename completed: a half-written file never has the name.
        long size = resource.openConnection().getContentLengthLong();
        if (!Files.isRegularFile(library) || Files.size(library) != size) extract(resource, library);
        System.load(library.toString());
        markLoaded(library);
        loaded = true;
        return library;
    }

    /** Where this wasmtime-java version's library lives under {@code cacheRoot}. */
    static Path directory(Path cacheRoot) throws IOException {
        return cacheRoot.resolve("wasmtime").resolve(version() + "-linux-" + arch());
    }

    private static void extract(URL resource, Path library) throws IOException {
        Path dir = Files.createDirectories(library.getParent());
        // Concurrent first starts each write their own temp file; the renames replace one complete copy by another.
        Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-r--r--")));
        try {
            try (InputStream in = resource.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Sets wasmtime-java's private "loaded" flag, so that its classes' static initialisers extract nothing. */
    private static void markLoaded(Path library) {
        try {
            Field flag = NativeLibraryLoader.class.getDeclaredField("loaded");
            flag.setAccessible(true);
            flag.setBoolean(null, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this wasmtime-java has no NativeLibraryLoader.loaded flag (" + e
                    + "); start the JVM with -Djava.library.path=" + library.getParent(), e);
        }
    }

    /** The jar's own library name, e.g. libwasmtime_jni_0.19.0_linux_x86_64.so. */
    private static String resourceName() throws IOException {
        return "/libwasmtime_jni_" + version() + "_linux_" + arch() + ".so";
    }

    /** The JNI library's version, as wasmtime-java's jar records it. */
    static String version() throws IOException {
        try (InputStream in = NativeLibraryLoader.class.getResourceAsStream("/wasmtime-java-meta.properties")) {
            if (in == null) throw new IOException("wasmtime-java-meta.properties missing from the wasmtime-java jar");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("jnilib.version");
        }
    }

    private static String arch() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") ? "x86_64" : arch;
    }
}
