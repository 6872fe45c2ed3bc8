package dev.wasmj.oci.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rule rejects a bad document with the field's path in the message. */
class SpecValidatorTest {
    /** A valid document with one JSON fragment spliced in at the top level (it may override a field). */
    static String config(String extra) {
        String base = "\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}";
        return "{" + (extra.isEmpty() ? base : base + "," + extra) + "}";
    }

    static String problem(String json) {
        return assertThrows(SpecException.class, () -> SpecLoader.parse(json, "config.json")).getMessage();
    }

    @Test
    void validDocumentPasses() {
        SpecLoader.parse(config("\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}"), "config.json");
    }

    @Test
    void unknownNamespaceIsNamedByIndex() {
        String msg = problem(config("\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"netwrk\"}]}"));
        assertTrue(msg.startsWith("config.json: linux.namespaces[2].type: unknown namespace \"netwrk\""), msg);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "duplicate namespace | \"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]} | linux.namespaces[1].type: duplicate namespace \"pid\"",
        "relative namespace path | \"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"run/netns/x\"}]} | linux.namespaces[0].path: not an absolute path",
        "relative mount destination | \"mounts\":[{\"destination\":\"proc\",\"type\":\"proc\"}] | mounts[0].destination: not an absolute path",
        "zero id mapping | \"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":0}]} | linux.uidMappings[0].size: must be greater than 0",
        "bad device type | \"linux\":{\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\"}]} | linux.devices[0].type: unknown device type \"x\"",
        "relative device path | \"linux\":{\"devices\":[{\"type\":\"c\",\"path\":\"dev/x\",\"major\":1,\"minor\":3}]} | linux.devices[0].path: not an absolute path",
        "bad rlimit | \"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"NOFILE\",\"hard\":1,\"soft\":1}]} | process.rlimits[0].type: unknown rlimit \"NOFILE\"",
        "soft above hard | \"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":10,\"soft\":20}]} | process.rlimits[0]: soft limit 20 above hard limit 10",
        "bad capability | \"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"NET_RAW\"]}} | process.capabilities.bounding[1]: unknown capability \"NET_RAW\"",
        "relative cwd | \"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"} | process.cwd: not an absolute path",
        "empty args | \"process\":{\"args\":[],\"cwd\":\"/\"} | process.args: missing or empty",
        "env without = | \"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"A=1\",\"B\"]} | process.env[1]: not KEY=value",
        "zero memory limit | \"linux\":{\"resources\":{\"memory\":{\"limit\":0}}} | linux.resources.memory.limit: 0 must be greater than 0",
        "swap below limit | \"linux\":{\"resources\":{\"memory\":{\"limit\":2000000,\"swap\":1000000}}} | linux.resources.memory.swap: 1000000 is below the memory limit",
        "cpu shares 1 | \"linux\":{\"resources\":{\"cpu\":{\"shares\":1}}} | linux.resources.cpu.shares: 1 below the minimum of 2",
        "relative hook | \"hooks\":{\"poststart\":[{\"path\":\"hook.sh\"}]} | hooks.poststart[0].path: not an absolute path",
        "zero hook timeout | \"hooks\":{\"createRuntime\":[{\"path\":\"/bin/true\",\"timeout\":0}]} | hooks.createRuntime[0].timeout: must be greater than 0",
        "relative masked path | \"linux\":{\"maskedPaths\":[\"proc/kcore\"]} | linux.maskedPaths[0]: not an absolute path",
        "relative readonly path | \"linux\":{\"readonlyPaths\":[\"/proc/sys\",\"sys\"]} | linux.readonlyPaths[1]: not an absolute path",
        "bad seccomp action | \"linux\":{\"seccomp\":{\"defaultAction\":\"ALLOW\"}} | linux.seccomp.defaultAction: unknown action \"ALLOW\"",
        "bad seccomp op | \"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"EQ\"}]}]}} | linux.seccomp.syscalls[0].args[0].op: unknown operator \"EQ\"",
        "bad propagation | \"linux\":{\"rootfsPropagation\":\"rsharedd\"} | linux.rootfsPropagation: unknown value \"rsharedd\"",
        "old version | \"ociVersion\":\"0.9.0\" | ociVersion: unsupported version \"0.9.0\"",
        "missing root | \"root\":{} | root.path: missing",
        "missing version | \"ociVersion\":null | ociVersion: missing",
        "version 2 | \"ociVersion\":\"2.0.0\" | ociVersion: unsupported version \"2.0.0\"",
        "missing args | \"process\":{\"cwd\":\"/\"} | process.args: missing or empty",
        "missing cwd | \"process\":{\"args\":[\"sh\"]} | process.cwd: missing",
        "relative namespace path, user ns | \"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"proc/1/ns/user\"}]} | linux.namespaces[0].path: not an absolute path",
        "zero gid mapping | \"linux\":{\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},{\"containerID\":1,\"hostID\":2000}]} | linux.gidMappings[1].size: must be greater than 0",
        "zero mount id mapping | \"mounts\":[{\"destination\":\"/data\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":0}]}] | mounts[0].uidMappings[0].size: must be greater than 0",
        "bad ambient capability | \"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"capabilities\":{\"ambient\":[\"cap_kill\"]}} | process.capabilities.ambient[0]: unknown capability \"cap_kill\"",
        "oomScoreAdj out of range | \"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"oomScoreAdj\":1001} | process.oomScoreAdj: 1001 outside -1000..1000",
        "negative memory limit | \"linux\":{\"resources\":{\"memory\":{\"limit\":-5}}} | linux.resources.memory.limit: -5 must be greater than 0",
        "swappiness above 100 | \"linux\":{\"resources\":{\"memory\":{\"swappiness\":101}}} | linux.resources.memory.swappiness: 101 outside 0..100",
        "cpu period too small | \"linux\":{\"resources\":{\"cpu\":{\"period\":999}}} | linux.resources.cpu.period: 999 outside 1000..1000000",
        "device rule without allow | \"linux\":{\"resources\":{\"devices\":[{\"access\":\"rwm\"}]}} | linux.resources.devices[0].allow: missing",
        "device rule bad access | \"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"access\":\"rx\"}]}} | linux.resources.devices[0].access: unknown access \"rx\"",
        "device rule bad type | \"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"u\"}]}} | linux.resources.devices[0].type: unknown device type \"u\"",
        "blkio weight too low | \"linux\":{\"resources\":{\"blockIO\":{\"weight\":5}}} | linux.resources.blockIO.weight: 5 outside 10..1000",
        "missing seccomp default | \"linux\":{\"seccomp\":{\"syscalls\":[]}} | linux.seccomp.defaultAction: missing",
        "bad syscall action | \"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_MAYBE\"}]}} | linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_MAYBE\"",
        "hook without path | \"hooks\":{\"prestart\":[{\"args\":[\"x\"]}]} | hooks.prestart[0].path: missing",
        "null list entry | \"mounts\":[null] | mounts[0]: null",
    })
    void badFieldIsNamed(String name, String fragment, String expected) {
        String msg = problem(config(fragment));
        assertTrue(msg.contains(expected), "expected \"" + expected + "\" in: " + msg);
        assertTrue(msg.startsWith("config.json: "), msg);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no process at all | \"process\":null",
        "unlimited memory | \"linux\":{\"resources\":{\"memory\":{\"limit\":-1,\"swap\":-1}}}",
        "unlimited swap | \"linux\":{\"resources\":{\"memory\":{\"limit\":1048576,\"swap\":-1}}}",
        "swap equal to limit | \"linux\":{\"resources\":{\"memory\":{\"limit\":1048576,\"swap\":1048576}}}",
        "cpu shares unset as 0 | \"linux\":{\"resources\":{\"cpu\":{\"shares\":0,\"quota\":-1}}}",
        "joined namespace | \"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/var/run/netns/x\"},{\"type\":\"time\"}]}",
        "full seccomp | \"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}}",
        "version with suffix | \"ociVersion\":\"1.0.2-dev\"",
    })
    void validVariantsPass(String name, String fragment) {
        SpecLoader.parse(config(fragment), "config.json");
    }

    @Test
    void theContainerdSamplePasses() {
        Spec spec = SpecLoader.load(SpecLoaderTest.sample("containerd-1.6-wasm-config.json"));
        SpecValidator.validate(spec, "config.json");
    }

    @Test
    void everyProblemIsReportedFirstOneFirst() {
        String msg = problem("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"x\"},"
                + "\"mounts\":[{\"destination\":\"y\"}]}");
        assertTrue(msg.matches("config\\.json: process\\.cwd: .*; mounts\\[0\\]\\.destination: .*"), msg);
    }
}
