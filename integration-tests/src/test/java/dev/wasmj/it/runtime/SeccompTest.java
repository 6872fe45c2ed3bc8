package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** linux.seccomp: the spec's profile is compiled to a filter and holds for the workload. */
class SeccompTest extends ContainerTestBase {

    /** With and without noNewPrivileges (without it the filter goes in before the capabilities are dropped). */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void deniedSyscallFailsWithTheProfilesErrno(boolean noNewPrivileges) {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell(
                "mkdir /tmp/denied && echo made || echo refused; touch /tmp/allowed && echo touched; "
                        + "grep Seccomp: /proc/self/status");
        ((ObjectNode) b.config().get("process")).put("noNewPrivileges", noNewPrivileges);
        ObjectNode seccomp = b.linux().putObject("seccomp").put("defaultAction", "SCMP_ACT_ALLOW");
        seccomp.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_AARCH64");
        ObjectNode rule = seccomp.putArray("syscalls").addObject();
        rule.putArray("names").add("mkdir").add("mkdirat");
        rule.put("action", "SCMP_ACT_ERRNO").put("errnoRet", 1);
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "seccomp-" + noNewPrivileges);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("refused"), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted"), "errnoRet 1 is EPERM: " + r);
        assertTrue(r.stdout().contains("touched"), "other calls are allowed: " + r);
        assertTrue(r.stdout().contains("Seccomp:\t2"), "filter mode: " + r);
    }

    /**
     * A profile that does not allow close_range (older Docker profiles, generated ones, custom Localhost ones)
     * must not stop the container: whatever the runtime itself needs to finish the exec happens before the
     * filter goes in.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aProfileWithoutCloseRangeStillRunsTheProgram(boolean noNewPrivileges) {
        BusyboxBundle b = BusyboxBundle.create(tmp, "echo", "ran");
        ((ObjectNode) b.config().get("process")).put("noNewPrivileges", noNewPrivileges);
        ObjectNode seccomp = b.linux().putObject("seccomp").put("defaultAction", "SCMP_ACT_ALLOW");
        ObjectNode rule = seccomp.putArray("syscalls").addObject();
        rule.putArray("names").add("close_range");
        rule.put("action", "SCMP_ACT_ERRNO").put("errnoRet", 1);
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "no-close-range-" + noNewPrivileges);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("ran\n", r.stdout(), r.toString());
    }

    @Test
    void killActionEndsTheProcessWithSigsys() {
        BusyboxBundle b = BusyboxBundle.create(tmp, "mkdir", "/tmp/x");
        ObjectNode seccomp = b.linux().putObject("seccomp").put("defaultAction", "SCMP_ACT_ALLOW");
        ArrayNode rules = seccomp.putArray("syscalls");
        ObjectNode rule = rules.addObject();
        rule.putArray("names").add("mkdir").add("mkdirat");
        rule.put("action", "SCMP_ACT_KILL_PROCESS");
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "sigsys");
        assertEquals(128 + 31, r.exitCode(), "killed by SIGSYS: " + r);
    }

    @Test
    void unsupportedActionIsRefusedWithItsField() {
        BusyboxBundle b = BusyboxBundle.create(tmp, "true");
        ObjectNode seccomp = b.linux().putObject("seccomp").put("defaultAction", "SCMP_ACT_ALLOW");
        ObjectNode rule = seccomp.putArray("syscalls").addObject();
        rule.putArray("names").add("read");
        rule.put("action", "SCMP_ACT_NOTIFY");
        b.write();
        Cli.Result r = cli.run("create", "--bundle", b.dir().toString(), "notify");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported yet"),
                r.toString());
    }
}
