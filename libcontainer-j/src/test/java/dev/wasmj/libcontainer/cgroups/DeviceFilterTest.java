package dev.wasmj.libcontainer.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device filter means what the rules meant on cgroup v1 (run in {@link EbpfInterpreter}). */
class DeviceFilterTest {
    private static final int BLOCK = 1, CHAR = 2, M = 1, R = 2, W = 4;

    private static LinuxDeviceCgroup rule(boolean allow, String type, Long major, Long minor, String access) {
        LinuxDeviceCgroup r = new LinuxDeviceCgroup();
        r.setAllow(allow);
        r.setType(type);
        r.setMajor(major);
        r.setMinor(minor);
        r.setAccess(access);
        return r;
    }

    private static EbpfInterpreter filter(LinuxDeviceCgroup... rules) {
        return new EbpfInterpreter(DeviceFilter.compile(List.of(rules)));
    }

    @Test
    void denyAllThenAllowedDevicesAsContainerdWritesThem() {
        EbpfInterpreter f = filter(rule(false, null, null, null, "rwm"), rule(true, "c", 1L, 3L, "rwm"),
                rule(true, "c", 136L, null, "rwm"), rule(true, "c", null, null, "m"));
        assertEquals(1, f.run(CHAR, R | W, 1, 3), "/dev/null");
        assertEquals(0, f.run(CHAR, R, 1, 5), "/dev/zero is not listed");
        assertEquals(0, f.run(BLOCK, R | W, 8, 0), "a host disk");
        assertEquals(0, f.run(BLOCK, M, 8, 0), "nor may its node be made");
        assertEquals(1, f.run(CHAR, R | W, 136, 7), "any pty");
        assertEquals(1, f.run(CHAR, M, 4, 1), "any char node may be made (not opened)");
        assertEquals(0, f.run(CHAR, R, 4, 1));
    }

    @Test
    void anAllowRuleMustCoverEveryAccessAskedFor() {
        EbpfInterpreter f = filter(rule(false, "a", null, null, "rwm"), rule(true, "c", 1L, 3L, "r"));
        assertEquals(1, f.run(CHAR, R, 1, 3));
        assertEquals(0, f.run(CHAR, R | W, 1, 3), "open for read and write needs both");
        assertEquals(0, f.run(CHAR, W, 1, 3));
    }

    @Test
    void withoutAWildcardEverythingNotDeniedIsAllowedAndADenyRuleCoversAnyOverlap() {
        EbpfInterpreter f = filter(rule(false, "c", 1L, 5L, "w"));
        assertEquals(0, f.run(CHAR, W, 1, 5));
        assertEquals(0, f.run(CHAR, R | W, 1, 5), "any access the rule denies");
        assertEquals(1, f.run(CHAR, R, 1, 5));
        assertEquals(1, f.run(BLOCK, R | W, 8, 0));
    }

    @Test
    void theLastMatchingRuleDecides() {
        EbpfInterpreter f = filter(rule(false, null, null, null, "rwm"), rule(true, "c", 1L, 3L, "rwm"),
                rule(false, "c", 1L, 3L, "w"));
        assertEquals(1, f.run(CHAR, R, 1, 3));
        assertEquals(0, f.run(CHAR, W, 1, 3), "the later deny wins");
        assertEquals(1, f.run(CHAR, M, 1, 3));
    }

    @Test
    void aWildcardForgetsTheRulesBeforeIt() {
        EbpfInterpreter f = filter(rule(true, "c", 1L, 3L, "rwm"), rule(false, "a", null, null, "rwm"));
        assertEquals(0, f.run(CHAR, R, 1, 3));
        EbpfInterpreter g = filter(rule(false, "b", 8L, null, "rwm"), rule(true, "a", null, null, "rwm"));
        assertEquals(1, g.run(BLOCK, R, 8, 0));
    }

    @Test
    void badTypesAndAccessesAreRefusedByName() {
        assertEquals("linux.resources.devices: unknown type \"x\"", assertThrows(IllegalArgumentException.class,
                () -> DeviceFilter.compile(List.of(rule(true, "x", null, null, "r")))).getMessage());
        assertEquals("linux.resources.devices: unknown access \"rq\"", assertThrows(IllegalArgumentException.class,
                () -> DeviceFilter.compile(List.of(rule(true, "c", null, null, "rq")))).getMessage());
    }
}
