package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hooks run in the spec's order, each with the container state on stdin; a failing one stops create. */
class HooksTest extends ContainerTestBase {
    @Test
    void hooksRunInOrderWithState() throws Exception {
        Path log = tmp.resolve("hooks.log");
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo workload >> /hooks.log");
        ObjectNode hooks = b.config().putObject("hooks");
        // Runtime-namespace hooks write to the host log; container ones see the rootfs (startContainer
        // runs after pivot_root) so they write to /hooks.log inside it, which is rootfs/hooks.log here.
        Path inRootfs = b.rootfs().resolve("hooks.log");
        hostHook(hooks.putArray("createRuntime"), "createRuntime", log);
        hostHook(hooks.putArray("createContainer"), "createContainer", log);
        ArrayNode start = hooks.putArray("startContainer");
        start.addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c").add("echo startContainer >> /hooks.log");
        hostHook(hooks.putArray("poststart"), "poststart", log);
        hostHook(hooks.putArray("poststop"), "poststop", log);
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "hooked");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> host = Files.readAllLines(log);
        assertEquals(List.of("createRuntime", "createContainer", "poststart", "poststop"),
                host.stream().map(l -> l.split(" ")[0]).toList(), String.join("\n", host));
        assertTrue(host.get(0).contains("\"id\":\"hooked\""), "state on stdin: " + host.get(0));
        assertTrue(host.get(0).contains("\"status\":\"creating\""), host.get(0));
        assertTrue(host.get(3).contains("\"status\":\"stopped\""), host.get(3));
        assertEquals(List.of("startContainer", "workload"), Files.readAllLines(inRootfs));
    }

    @Test
    void failingCreateRuntimeHookFailsCreateAndLeavesNothing() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo never");
        b.config().putObject("hooks").putArray("createRuntime").addObject()
                .put("path", "/bin/sh").putArray("args").add("sh").add("-c").add("exit 7");
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "badhook");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("hook createRuntime[0] /bin/sh: exited with 7"), r.toString());
        assertTrue(!r.stdout().contains("never"));
        assertTrue(cli.run("state", "badhook").stderr().contains("does not exist"));
    }

    @Test
    void hookTimeoutIsEnforced() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("echo never");
        b.config().putObject("hooks").putArray("createRuntime").addObject()
                .put("path", "/bin/sleep").put("timeout", 1).putArray("args").add("sleep").add("30");
        b.write();
        long t0 = System.nanoTime();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "slowhook");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("timed out after 1 s"), r.toString());
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "did not wait for the hook's 30 s");
    }

    private static void hostHook(ArrayNode list, String name, Path log) {
        list.addObject().put("path", "/bin/sh").putArray("args").add("sh").add("-c")
                .add("printf '%s ' " + name + " >> " + log + "; cat >> " + log + "; echo >> " + log);
    }
}
