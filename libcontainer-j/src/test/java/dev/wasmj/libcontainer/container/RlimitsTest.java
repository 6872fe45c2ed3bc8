package dev.wasmj.libcontainer.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RlimitsTest {
    /** The label /proc/<pid>/limits gives each resource; the kernel lists them in resource-number order. */
    private static final Map<String, String> PROC_LABELS = new LinkedHashMap<>();

    static {
        PROC_LABELS.put("RLIMIT_CPU", "Max cpu time");
        PROC_LABELS.put("RLIMIT_FSIZE", "Max file size");
        PROC_LABELS.put("RLIMIT_DATA", "Max data size");
        PROC_LABELS.put("RLIMIT_STACK", "Max stack size");
        PROC_LABELS.put("RLIMIT_CORE", "Max core file size");
        PROC_LABELS.put("RLIMIT_RSS", "Max resident set");
        PROC_LABELS.put("RLIMIT_NPROC", "Max processes");
        PROC_LABELS.put("RLIMIT_NOFILE", "Max open files");
        PROC_LABELS.put("RLIMIT_MEMLOCK", "Max locked memory");
        PROC_LABELS.put("RLIMIT_AS", "Max address space");
        PROC_LABELS.put("RLIMIT_LOCKS", "Max file locks");
        PROC_LABELS.put("RLIMIT_SIGPENDING", "Max pending signals");
        PROC_LABELS.put("RLIMIT_MSGQUEUE", "Max msgqueue size");
        PROC_LABELS.put("RLIMIT_NICE", "Max nice priority");
        PROC_LABELS.put("RLIMIT_RTPRIO", "Max realtime priority");
        PROC_LABELS.put("RLIMIT_RTTIME", "Max realtime timeout");
    }

    @Test
    void theCommonOnesHaveTheirKernelNumbers() {
        // include/uapi/asm-generic/resource.h (x86_64 and aarch64)
        assertEquals(4, Rlimits.resource("RLIMIT_CORE", "f"));
        assertEquals(6, Rlimits.resource("RLIMIT_NPROC", "f"));
        assertEquals(7, Rlimits.resource("RLIMIT_NOFILE", "f"));
        assertEquals(9, Rlimits.resource("RLIMIT_AS", "f"));
    }

    /** Every name maps to the number the running kernel uses for it (the row of /proc/self/limits). */
    @Test
    void everyNameAgreesWithTheRunningKernel() throws IOException {
        Path limits = Path.of("/proc/self/limits");
        assumeTrue(Files.isReadable(limits));
        List<String> rows = Files.readAllLines(limits).subList(1, 17); // after the header, one row per resource
        for (Map.Entry<String, String> e : PROC_LABELS.entrySet()) {
            int resource = Rlimits.resource(e.getKey(), "f");
            assertTrue(rows.get(resource).startsWith(e.getValue()),
                    e.getKey() + " -> " + resource + " but that row is \"" + rows.get(resource) + "\"");
        }
    }

    @Test
    void anUnknownNameIsAnErrorNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rlimits.resource("RLIMIT_FOO", "process.rlimits[2].type"));
        assertTrue(e.getMessage().contains("process.rlimits[2].type"), e.getMessage());
        assertTrue(e.getMessage().contains("RLIMIT_FOO"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOFILE", "", "RLIMIT_", "RLIMIT_NOFILES"})
    void nearMissesAreUnknownToo(String name) {
        assertThrows(IllegalArgumentException.class, () -> Rlimits.resource(name, "process.rlimits[0].type"));
    }
}
