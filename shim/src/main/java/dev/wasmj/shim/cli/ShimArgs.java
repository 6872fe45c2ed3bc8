package dev.wasmj.shim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * containerd's shim command line, parsed the way Go's flag package reads it: {@code -namespace ns
 * -address /run/containerd/containerd.sock -publish-binary /usr/bin/containerd -id c1 [-bundle dir]
 * [-debug] start|delete}, also {@code -v} and {@code -info}; {@code --flag} and {@code -flag=value} work
 * too. Unknown flags are an error, as in Go.
 */
public record ShimArgs(String namespace, String address, String publishBinary, String id, Path bundle,
        boolean debug, boolean version, boolean info, Path socket, String action) {

    public static ShimArgs parse(String[] args) {
        String namespace = "", address = "", publish = "", id = "", bundle = null, socket = null;
        boolean debug = false, version = false, info = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-") || !positional.isEmpty()) {
                positional.add(a);
                continue;
            }
            String name = a.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "debug" -> debug = value == null || Boolean.parseBoolean(value);
                case "v" -> version = true;
                case "info" -> info = true;
                case "namespace", "address", "publish-binary", "id", "bundle", "socket" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) throw new IllegalArgumentException("flag needs an argument: -" + name);
                        value = args[++i];
                    }
                    switch (name) {
                        case "namespace" -> namespace = value;
                        case "address" -> address = value;
                        case "publish-binary" -> publish = value;
                        case "id" -> id = value;
                        case "bundle" -> bundle = value;
                        default -> socket = value;
                    }
                }
                default -> throw new IllegalArgumentException("flag provided but not defined: -" + name);
            }
        }
        if (positional.size() > 1) throw new IllegalArgumentException("one action expected, got " + positional);
        return new ShimArgs(namespace, address, publish, id, bundle == null ? null : Path.of(bundle), debug, version,
                info, socket == null ? null : Path.of(socket), positional.isEmpty() ? "" : positional.get(0));
    }

    /** The bundle: {@code -bundle}, else the working directory (containerd starts the shim there). */
    public Path bundleDir() {
        return bundle != null ? bundle.toAbsolutePath() : Path.of("").toAbsolutePath();
    }

    /** The same flags with another action: how {@code start} launches the long-running server. */
    public List<String> toArgs(String newAction, Path socketPath) {
        List<String> out = new ArrayList<>(List.of("-namespace", namespace, "-address", address, "-publish-binary",
                publishBinary, "-id", id, "-bundle", bundleDir().toString()));
        if (debug) out.add("-debug");
        if (socketPath != null) out.addAll(List.of("-socket", socketPath.toString()));
        out.add(newAction);
        return out;
    }
}
