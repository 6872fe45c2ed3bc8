package dev.wasmj.it.engine.example;

import dev.wasmj.shim.api.Engine;
import dev.wasmj.shim.api.RuntimeContext;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The example engine of docs/writing-an-engine.md: it does not execute the module, it greets it. It shows
 * what an engine gets (args, env, the module's path inside the container, the container's stdout) and what
 * it returns (the exit code). A real engine (engine-wasmtime) instantiates the module instead.
 */
public final class GreetingEngine implements Engine {
    private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};

    @Override
    public String name() {
        return "greeting";
    }

    @Override
    public boolean canHandle(RuntimeContext context) throws Exception {
        byte[] head = Files.readAllBytes(Path.of(context.entrypoint().path()));
        return head.length >= 4 && Arrays.equals(head, 0, 4, WASM_MAGIC, 0, 4);
    }

    @Override
    public int runWasi(RuntimeContext context) throws Exception {
        String who = context.envs().stream().filter(e -> e.startsWith("GREET=")).map(e -> e.substring(6))
                .findFirst().orElse("world");
        String line = "hello " + who + " from " + context.entrypoint().name() + " (" + context.entrypoint().func()
                + "), args " + context.args().subList(1, context.args().size()) + "\n";
        // fd 1 is the container's stdout now; System.out goes to the shim log.
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.flush();
        System.out.println("this line goes to the shim log, not to the container's stdout");
        return context.args().contains("fail") ? 7 : 0;
    }
}
