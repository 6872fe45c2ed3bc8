package dev.wasmj.libcontainer.init;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * After pivot_root the JVM can no longer open files of the host. Classes in an already open jar still load,
 * but classes in a directory on the class path (a build's target/classes) are one file each: load every
 * class of the init's code source before pivot_root so the init runs the same from a directory as from a jar.
 */
final class ClassPreloader {
    private ClassPreloader() {}

    static void preloadIfDirectory(Class<?> anchor, List<String> packages) throws IOException {
        Path source;
        try {
            source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (!Files.isDirectory(source)) return;
        List<String> names;
        try (Stream<Path> files = Files.walk(source)) {
            names = files.map(source::relativize)
                    .map(Path::toString)
                    .filter(n -> n.endsWith(".class") && !n.equals("module-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> packages.contains(n.substring(0, Math.max(0, n.lastIndexOf('.')))))
                    .collect(Collectors.toList());
        }
        ClassLoader loader = anchor.getClassLoader();
        for (String name : names) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // A class that needs a library the init does not have is never used by the init.
            }
        }
    }
}
