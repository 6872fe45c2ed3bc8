package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.it.support.HostSnapshot;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Limits from linux.resources hold, and a container killed by one is still cleaned up. */
class ResourcesTest extends ContainerTestBase {
    static final String CGROUP_PREFIX = "/wasmj-it-resources";

    @AfterAll
    static void removeCgroupPrefix() {
        HostSnapshot.removeCgroupPrefix(CGROUP_PREFIX);
    }

    @Test
    void memoryLimitOomKillsAnAllocationPastIt() {
        HostSnapshot before = HostSnapshot.take(CGROUP_PREFIX);
        // dd (the container's PID 1) fills a buffer of bs bytes: 256 MiB against a 96 MiB limit.
        BusyboxBundle b = BusyboxBundle.create(tmp, "dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1");
        b.linux().put("cgroupsPath", CGROUP_PREFIX + "/oom");
        b.resources().putObject("memory").put("limit", 96L << 20);
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "oom");
        assertEquals(137, r.exitCode(), "killed by the OOM killer: " + r);
        assertEquals("", r.stdout(), r.toString());
        HostSnapshot after = HostSnapshot.take(CGROUP_PREFIX);
        assertEquals(before.cgroups(), after.cgroups(), "delete removed the cgroup");
    }

    @Test
    void allocationBelowTheLimitRuns() {
        BusyboxBundle b = BusyboxBundle.create(tmp)
                .shell("dd if=/dev/zero of=/dev/null bs=16M count=1 2>/dev/null; echo survived");
        b.linux().put("cgroupsPath", CGROUP_PREFIX + "/fits");
        b.resources().putObject("memory").put("limit", 96L << 20);
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "fits");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("survived\n", r.stdout());
    }

    @Test
    void pidsLimitStopsForking() {
        // The init JVM needs about 20 pids (threads) before it execs the workload.
        // busybox sh gives up at the first fork that fails, so the forking happens in a subshell; what
        // follows uses builtins only (no fork is left). The sleeps end with the container.
        BusyboxBundle b = BusyboxBundle.create(tmp).shell(
                "(i=0; while [ $i -lt 60 ]; do sleep 30 & i=$((i+1)); done) 2>/dev/null; "
                        + "read n < /sys/fs/cgroup/pids/pids.current || read n < /sys/fs/cgroup/pids.current; echo $n");
        b.linux().put("cgroupsPath", CGROUP_PREFIX + "/pids");
        b.resources().putObject("pids").put("limit", 32);
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "pids");
        assertEquals(0, r.exitCode(), r.toString());
        long current = Long.parseLong(r.stdout().lines().findFirst().orElseThrow().trim());
        assertTrue(current <= 32, "pids.current " + current + " within pids.max 32: " + r);
        assertTrue(current >= 28, "the shell forked up to the limit: " + r);
    }
}
