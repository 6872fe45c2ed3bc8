package dev.wasmj.engine.wasmtime;

import io.github.kawamuray.wasmtime.Engine;
import io.github.kawamuray.wasmtime.Extern;
import io.github.kawamuray.wasmtime.Func;
import io.github.kawamuray.wasmtime.FuncType;
import io.github.kawamuray.wasmtime.ImportType;
import io.github.kawamuray.wasmtime.Instance;
import io.github.kawamuray.wasmtime.Linker;
import io.github.kawamuray.wasmtime.Module;
import io.github.kawamuray.wasmtime.Store;
import io.github.kawamuray.wasmtime.Trap;
import io.github.kawamuray.wasmtime.Val;
import io.github.kawamuray.wasmtime.WasmFunctionError.I32ExitError;
import io.github.kawamuray.wasmtime.WasmFunctionError.TrapError;
import io.github.kawamuray.wasmtime.WasmtimeException;
import io.github.kawamuray.wasmtime.wasi.WasiCtx;
import io.github.kawamuray.wasmtime.wasi.WasiCtxBuilder;
import dev.wasmj.shim.api.WasmTrap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One run of a compiled module under WASI preview 1: the container's args and env, its {@code /} preopened
 * as the guest's {@code /}, fds 0-2 inherited, one exported function called; the result is the exit status.
 */
final class WasiRun {
    /** Wasm frames live on the calling thread's native stack; the init JVM gives its threads only 512 KiB. */
    private static final long STACK_BYTES = 8L << 20;
    private static final Set<String> WASI_MODULES = Set.of("wasi_snapshot_preview1", "wasi_unstable");

    private final Engine engine;
    private final Module module;
    private final String source;
    private final List<String> args;
    private final List<String> env;
    private final Path root;

    /**
     * @param source the module's path, for messages
     * @param args   argv, argv0 included
     * @param env    "KEY=value" entries
     * @param root   the directory that is the guest's {@code /}
     */
    WasiRun(Engine engine, Module module, String source, List<String> args, List<String> env, Path root) {
        this.engine = engine;
        this.module = module;
        this.source = source;
        this.args = args;
        this.env = env;
        this.root = root;
    }

    /** Loads and initialises the classes a run uses while the JVM can still open files (before pivot_root). */
    static void preload() throws ClassNotFoundException {
        for (Class<?> c : List.of(Store.class, Linker.class, Instance.class, Func.class, FuncType.class,
                Val.class, Val.Type.class, Extern.class, ImportType.class, WasiCtx.class, WasiCtxBuilder.class,
                Trap.class, I32ExitError.class, TrapError.class, WasmtimeException.class)) {
            Class.forName(c.getName(), true, c.getClassLoader());
        }
    }

    /** Calls {@code func} and returns the exit status: proc_exit's code, or 0 when the function returns. */
    int call(String func) throws Exception {
        FutureTask<Integer> task = new FutureTask<>(() -> callHere(func));
        Thread thread = new Thread(null, task, "wasm " + func, STACK_BYTES);
        thread.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            if (e.getCause() instanceof Error error) throw error;
            throw e;
        }
    }

    private int callHere(String func) throws GuestException, WasmTrap {
        try (Store<Void> store = new Store<>(null, engine, wasi()); Linker linker = new Linker(engine)) {
            WasiCtx.addToLinker(linker);
            try (Instance instance = new Instance(store, module, imports(store, linker))) {
                // A reactor wants _initialize before any other export; a command's _start does its own set-up.
                if (!func.equals("_start")) instance.getFunc(store, "_initialize").ifPresent(f -> f.call(store));
                Func f = instance.getFunc(store, func)
                        .orElseThrow(() -> new GuestException(source + " exports no function " + func));
                f.call(store);
                return 0;
            }
        } catch (I32ExitError e) {
            return e.exitCode() & 0xff; // as a process's exit(n) is seen by its parent
        } catch (TrapError e) {
            throw new WasmTrap(source + ": wasm trap in " + func + ": " + describe(e.trap()), e);
        } catch (WasmtimeException e) {
            throw new GuestException(source + ": " + e.getMessage(), e);
        }
    }

    private WasiCtx wasi() {
        WasiCtxBuilder b = new WasiCtxBuilder().args(args).inheritStdio().preopenedDir(root, "/");
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq > 0) b.env(e.substring(0, eq), e.substring(eq + 1));
        }
        return b.build();
    }

    /**
     * The module's imports from the WASI linker, resolved here so that a missing one is named. proc_exit is
     * our own: wasmtime's refuses codes from 126 up with an error whose text wasmtime-java drops.
     */
    private List<Extern> imports(Store<Void> store, Linker linker) throws GuestException {
        List<Extern> externs = new ArrayList<>();
        for (ImportType imp : module.imports()) {
            if (WASI_MODULES.contains(imp.module()) && imp.name().equals("proc_exit")) {
                externs.add(Extern.fromFunc(new Func(store, FuncType.emptyResults(Val.Type.I32),
                        (caller, params, results) -> {
                            throw new I32ExitError(params[0].i32());
                        })));
                continue;
            }
            externs.add(linker.get(store, imp.module(), imp.name()).orElseThrow(() -> new GuestException(source
                    + ": unknown import " + imp.module() + "::" + imp.name() + " (this engine provides WASI preview 1)")));
        }
        return externs;
    }

    private static String describe(Trap trap) {
        return trap.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
