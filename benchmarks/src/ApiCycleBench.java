import dev.wasmj.libcontainer.container.Container;
import dev.wasmj.libcontainer.container.CreateRequest;
import dev.wasmj.libcontainer.container.StateStore;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * create + start + wait + delete of one bundle through the libcontainer-j API in one warm JVM, the way the
 * shim drives it (no command-line JVM per step). Prints the median in microseconds.
 * Usage: java -cp <dist/lib/*>:<classes> ApiCycleBench BUNDLE STATE_ROOT RUNS
 */
public final class ApiCycleBench {
    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args[0]);
        StateStore store = new StateStore(Path.of(args[1]));
        int runs = Integer.parseInt(args[2]);
        for (int i = 0; i < 3; i++) cycle(store, bundle, "warm-" + i);
        long[] micros = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            cycle(store, bundle, "api-" + i);
            micros[i] = (System.nanoTime() - t0) / 1000;
        }
        Arrays.sort(micros);
        System.out.println(micros[runs / 2]);
    }

    private static void cycle(StateStore store, Path bundle, String id) throws Exception {
        Container c = Container.create(store, CreateRequest.builder(id, bundle).stdio(0, 2, 2));
        c.start();
        int status = c.waitForExit();
        if (status != 0) throw new IllegalStateException(id + " exited with " + status);
        c.delete(false);
    }
}
