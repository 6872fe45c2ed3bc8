package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** maskedPaths, readonlyPaths and root.readonly hold inside the container. */
class RestrictionsTest extends ContainerTestBase {
    @Test
    void maskedPathsAreEmpty() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell(
                "echo keys=$(wc -c < /proc/keys); echo firmware=$(ls /sys/firmware | wc -l); echo hostkeys=$(wc -c < /proc/self/mountinfo)");
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "masked");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("keys=0\n"), "/proc/keys reads as /dev/null: " + r);
        assertTrue(r.stdout().contains("firmware=0\n"), "/sys/firmware is an empty tmpfs: " + r);
    }

    @Test
    void readonlyPathsRefuseWrites() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell(
                "echo 1 > /proc/sys/kernel/ns_last_pid && echo wrote || echo refused; touch /tmp/ok && echo rootfs-writable");
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "ro-paths");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("refused"), r.toString());
        assertTrue(r.stderr().contains("Read-only file system"), r.toString());
        assertTrue(r.stdout().contains("rootfs-writable"), r.toString());
    }

    @Test
    void readonlyRootRefusesWrites() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell("touch /newfile && echo wrote || echo refused; touch /dev/shm/x && echo shm-writable");
        ((com.fasterxml.jackson.databind.node.ObjectNode) b.config().get("root")).put("readonly", true);
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "ro-root");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("refused"), r.toString());
        assertTrue(r.stdout().contains("shm-writable"), "mounts on top of the root stay writable: " + r);
    }
}
