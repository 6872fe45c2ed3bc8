package dev.wasmj.libcontainer.init;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads the init's classes ahead of use, for two reasons. After pivot_root the JVM can no longer open host
 * files: classes in an already open jar still load, but classes in a directory on the class path (a build's
 * target/classes) are one file each, so they are loaded before pivot_root. And a training run loads them
 * all so that a class-data-sharing archive of the init can be dumped (see InitJvmArchive).
 */
public final class ClassPreloader {
    private ClassPreloader() {}

    public static void preloadIfDirectory(Class<?> anchor, List<String> packages) throws IOException {
        Path source = codeSource(anchor);
        if (Files.isDirectory(source)) load(anchor, classesInDirectory(source), packages);
    }

    /** Loads every class of the packages, from a jar or a directory. */
    static void preloadAll(Class<?> anchor, List<String> packages) throws IOException {
        Path source = codeSource(anchor);
        load(anchor, Files.isDirectory(source) ? classesInDirectory(source) : classesInJar(source), packages);
    }

    private static void load(Class<?> anchor, List<String> names, List<String> packages) {
        ClassLoader loader = anchor.getClassLoader();
        for (String name : names) {
            if (!packages.contains(name.substring(0, Math.max(0, name.lastIndexOf('.'))))) continue;
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // A class that needs a library the init does not have is never used by the init.
            }
        }
    }

    private static List<String> classesInDirectory(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.map(dir::relativize).map(Path::toString).forEach(n -> addClass(names, n));
        }
        return names;
    }

    private static List<String> classesInJar(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) addClass(names, e.nextElement().getName());
        }
        return names;
    }

    private static void addClass(List<String> names, String file) {
        if (file.endsWith(".class") && !file.endsWith("module-info.class")) {
            names.add(file.substring(0, file.length() - ".class".length()).replace('/', '.'));
        }
    }

    private static Path codeSource(Class<?> anchor) throws IOException {
        try {
            return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
