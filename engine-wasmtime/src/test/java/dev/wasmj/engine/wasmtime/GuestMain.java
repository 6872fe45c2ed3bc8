package dev.wasmj.engine.wasmtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What an init JVM does with the engine, minus the container: prepare, then runWasi with fds 0-2 inherited;
 * the exit status is the module's. Run by {@link WasmtimeEngineTest} in a child JVM.
 *
 * <p>Arguments: {@code root errorFile hostRootfs(true|false) argc argv... env...}. A failure's message goes to
 * errorFile and the status is {@link #FAILED}.
 */
public final class GuestMain {
    static final int FAILED = 99;

    private GuestMain() {}

    public static void main(String[] a) throws Exception {
        Path root = Path.of(a[0]);
        Path errorFile = Path.of(a[1]);
        boolean hostRootfs = Boolean.parseBoolean(a[2]);
        int argc = Integer.parseInt(a[3]);
        List<String> rest = Arrays.asList(a).subList(4, a.length);
        FakeContext context = new FakeContext(rest.subList(0, argc), rest.subList(argc, rest.size()), hostRootfs ? root : null);
        WasmtimeEngine engine = new WasmtimeEngine(root, Path.of(System.getProperty(WasmtimeEngine.CACHE_DIR_PROPERTY)));
        int status;
        try {
            engine.prepare(context);
            status = engine.runWasi(context);
        } catch (Exception e) {
            Files.writeString(errorFile, String.valueOf(e.getMessage()), StandardCharsets.UTF_8);
            status = FAILED;
        }
        System.exit(status);
    }
}
