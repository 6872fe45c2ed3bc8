package dev.wasmj.shim.api;

/**
 * The module to run and the function to call: argv0 {@code /app.wasm#handler} calls {@code handler};
 * without {@code #} the WASI start function {@code _start}.
 *
 * @param path the module's path inside the container
 * @param func the exported function to call
 * @param name the module's file name without extension, e.g. "app"
 */
public record Entrypoint(String path, String func, String name) {
    public static final String DEFAULT_FUNC = "_start";

    public static Entrypoint parse(String argv0) {
        if (argv0 == null || argv0.isEmpty()) throw new IllegalArgumentException("process.args is empty: no module to run");
        int hash = argv0.lastIndexOf('#');
        String path = hash < 0 ? argv0 : argv0.substring(0, hash);
        String func = hash < 0 || hash == argv0.length() - 1 ? DEFAULT_FUNC : argv0.substring(hash + 1);
        String file = path.substring(path.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        return new Entrypoint(path, func, dot > 0 ? file.substring(0, dot) : file);
    }
}
