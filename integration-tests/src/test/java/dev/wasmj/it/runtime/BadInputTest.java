package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import dev.wasmj.it.support.HostSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets an error naming the problem, and leaves no state, cgroup, mount or process. */
class BadInputTest extends ContainerTestBase {
    static final String CGROUP_PREFIX = "/wasmj-it-bad";

    @AfterAll
    static void removeCgroupPrefix() {
        HostSnapshot.removeCgroupPrefix(CGROUP_PREFIX);
    }

    HostSnapshot before;

    @BeforeEach
    void takeSnapshot() {
        before = HostSnapshot.take(CGROUP_PREFIX);
    }

    private void assertFailsCleanly(Cli.Result r, String expectedMessage) throws Exception {
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains(expectedMessage), "expected \"" + expectedMessage + "\" in:\n" + r);
        HostSnapshot after = HostSnapshot.take(CGROUP_PREFIX);
        assertEquals(before, after, "nothing left behind");
        Path state = tmp.resolve("state");
        if (Files.exists(state)) {
            try (var s = Files.list(state)) {
                assertEquals(0, s.count(), "no state directory left");
            }
        }
    }

    private BusyboxBundle bundle() {
        BusyboxBundle b = BusyboxBundle.create(tmp, "true");
        b.linux().put("cgroupsPath", CGROUP_PREFIX + "/c");
        return b.write();
    }

    @Test
    void missingConfig() throws Exception {
        BusyboxBundle b = bundle();
        Files.delete(b.dir().resolve("config.json"));
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"), "config.json");
    }

    @Test
    void malformedConfig() throws Exception {
        BusyboxBundle b = bundle();
        Files.writeString(b.dir().resolve("config.json"), "{\"ociVersion\": \"1.2.0\",\n \"process\": {");
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"), "line 2");
    }

    @Test
    void missingRootfs() throws Exception {
        BusyboxBundle b = bundle();
        ((com.fasterxml.jackson.databind.node.ObjectNode) b.config().get("root")).put("path", "no-such-rootfs");
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"), "no-such-rootfs does not exist");
    }

    @Test
    void unknownNamespaceType() throws Exception {
        BusyboxBundle b = bundle();
        b.linux().withArray("namespaces").addObject().put("type", "netwrk");
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"),
                "linux.namespaces[6].type: unknown namespace \"netwrk\"");
    }

    @Test
    void aNewUserNamespaceWithoutMappingsIsRefused() throws Exception {
        BusyboxBundle b = bundle();
        b.linux().withArray("namespaces").addObject().put("type", "user");
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"),
                "config.json: linux.uidMappings: a new user namespace needs its mappings");
    }

    @Test
    void aUserNamespaceThatDoesNotMapRootIsRefused() throws Exception {
        BusyboxBundle b = bundle();
        b.linux().withArray("namespaces").addObject().put("type", "user");
        b.linux().putArray("uidMappings").addObject().put("containerID", 1000).put("hostID", 101000).put("size", 1);
        b.linux().putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"),
                "config.json: linux.uidMappings: container id 0 is not mapped");
    }

    /** A global sysctl would be written to the host's kernel: refused, naming the key, and the host keeps its value. */
    @Test
    void aSysctlOutsideTheContainersNamespacesIsRefused() throws Exception {
        String hostValue = Files.readString(Path.of("/proc/sys/kernel/panic"));
        BusyboxBundle b = bundle();
        b.linux().putObject("sysctl").put("kernel.panic", "42");
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"),
                "config.json: linux.sysctl: \"kernel.panic\" is not in a kernel namespace of the container");
        assertEquals(hostValue, Files.readString(Path.of("/proc/sys/kernel/panic")));
    }

    @Test
    void aNetworkSysctlWithoutANetworkNamespaceIsRefused() throws Exception {
        BusyboxBundle b = bundle();
        com.fasterxml.jackson.databind.node.ArrayNode namespaces = b.linux().withArray("namespaces");
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            if ("network".equals(namespaces.get(i).get("type").asText())) namespaces.remove(i);
        }
        b.linux().putObject("sysctl").put("net.ipv4.ip_forward", "1");
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"),
                "config.json: linux.sysctl: \"net.ipv4.ip_forward\" needs a network namespace of the container's own");
    }

    /** Fields this runtime does not apply are refused by name, never ignored. */
    @Test
    void fieldsThatWouldChangeTheWorkloadButAreNotSupportedAreRefusedByName() throws Exception {
        BusyboxBundle b = bundle();
        ((com.fasterxml.jackson.databind.node.ObjectNode) b.config().get("process")).putObject("scheduler")
                .put("policy", "SCHED_FIFO").put("priority", 10);
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"),
                "config.json: process.scheduler: not supported yet (the process would run with the default scheduling policy)");

        BusyboxBundle p = bundle();
        p.linux().putObject("personality").put("domain", "LINUX32");
        p.write();
        assertFailsCleanly(cli.run("create", "--bundle", p.dir().toString(), "x"), "config.json: linux.personality: not supported yet");
    }

    @Test
    void aTimeNamespaceIsRefused() throws Exception {
        BusyboxBundle b = bundle();
        b.linux().withArray("namespaces").addObject().put("type", "time");
        b.write();
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"), "time namespaces are not supported yet");
    }

    @Test
    void missingExecutable() throws Exception {
        BusyboxBundle b = bundle();
        b.args("/bin/no-such-program");
        assertFailsCleanly(cli.run("create", "--bundle", b.dir().toString(), "x"),
                "exec: \"/bin/no-such-program\": executable file not found");
    }

    @Test
    void duplicateId() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp, "sleep", "30");
        Cli.Result first = cli.run("create", "--bundle", b.dir().toString(), "dup");
        assertEquals(0, first.exitCode(), first.toString());
        try {
            Cli.Result second = cli.run("create", "--bundle", b.dir().toString(), "dup");
            assertEquals(1, second.exitCode(), second.toString());
            assertTrue(second.stderr().contains("container \"dup\" already exists"), second.toString());
            assertTrue(cli.run("state", "dup").stdout().contains("created"), "the first one is untouched");
        } finally {
            assertEquals(0, cli.run("delete", "--force", "dup").exitCode());
        }
    }

    @Test
    void idWithSlash() throws Exception {
        assertFailsCleanly(cli.run("create", "--bundle", bundle().dir().toString(), "a/b"), "invalid container id \"a/b\"");
    }

    @Test
    void idDotDot() throws Exception {
        assertFailsCleanly(cli.run("create", "--bundle", bundle().dir().toString(), ".."), "invalid container id \"..\"");
    }
}
