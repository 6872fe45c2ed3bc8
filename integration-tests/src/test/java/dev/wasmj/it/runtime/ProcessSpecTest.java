package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The process section of the spec as the workload sees it: user, groups, cwd, env, rlimits, capabilities, sysctl. */
class ProcessSpecTest extends ContainerTestBase {
    @Test
    void workloadGetsWhatTheSpecSays() {
        BusyboxBundle b = BusyboxBundle.create(tmp).shell(String.join("; ",
                "echo uid=$(id -u)", "echo gid=$(id -g)", "echo groups=$(id -G)", "echo cwd=$(pwd)",
                "echo greeting=$GREETING", "echo nofile=$(ulimit -n)",
                "grep CapEff /proc/self/status | sed 's/.*\\t/capeff=/'",
                "grep CapBnd /proc/self/status | sed 's/.*\\t/capbnd=/'",
                "grep NoNewPrivs /proc/self/status | sed 's/.*\\t/nnp=/'",
                "echo oom=$(cat /proc/self/oom_score_adj)",
                "echo forward=$(cat /proc/sys/net/ipv4/ip_forward)",
                "echo umask=$(umask)"));
        ObjectNode process = (ObjectNode) b.config().get("process");
        ObjectNode user = process.putObject("user");
        user.put("uid", 1000).put("gid", 1001).put("umask", 027).putArray("additionalGids").add(1002).add(1003);
        process.put("cwd", "/work/dir");
        process.withArray("env").add("GREETING=hello world");
        process.withArray("rlimits").removeAll().addObject().put("type", "RLIMIT_NOFILE").put("hard", 512).put("soft", 256);
        process.put("oomScoreAdj", 500);
        ObjectNode caps = (ObjectNode) process.get("capabilities");
        caps.putArray("inheritable").add("CAP_KILL");
        caps.putArray("ambient").add("CAP_KILL");
        b.linux().putObject("sysctl").put("net.ipv4.ip_forward", "1");
        b.write();
        Cli.Result r = cli.run("run", "--bundle", b.dir().toString(), "proc");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, String> seen = new LinkedHashMap<>();
        r.stdout().lines().forEach(l -> seen.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertEquals("1000", seen.get("uid"), r.toString());
        assertEquals("1001", seen.get("gid"));
        assertEquals("1001 1002 1003", seen.get("groups"));
        assertEquals("/work/dir", seen.get("cwd"), "cwd is created when missing");
        assertEquals("hello world", seen.get("greeting"));
        assertEquals("256", seen.get("nofile"));
        // The bounding set is the config's CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29). A
        // non-root program keeps across exec only its ambient capabilities: CAP_KILL here.
        assertEquals("0000000020000420", seen.get("capbnd"));
        assertEquals("0000000000000020", seen.get("capeff"), "the ambient CAP_KILL survives exec as uid 1000");
        assertEquals("1", seen.get("nnp"));
        assertEquals("500", seen.get("oom"));
        assertEquals("1", seen.get("forward"), "sysctl applied in the container's network namespace");
        assertEquals("0027", seen.get("umask"));
    }
}
