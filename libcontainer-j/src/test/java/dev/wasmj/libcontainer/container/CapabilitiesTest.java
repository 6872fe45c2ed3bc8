package dev.wasmj.libcontainer.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void eachNameIsItsKernelBit() {
        // include/uapi/linux/capability.h
        assertEquals(1L, Capabilities.mask(List.of("CAP_CHOWN"), "f"));
        assertEquals(1L << 5, Capabilities.mask(List.of("CAP_KILL"), "f"));
        assertEquals(1L << 10, Capabilities.mask(List.of("CAP_NET_BIND_SERVICE"), "f"));
        assertEquals(1L << 21, Capabilities.mask(List.of("CAP_SYS_ADMIN"), "f"));
        assertEquals(1L << 27, Capabilities.mask(List.of("CAP_MKNOD"), "f"));
        assertEquals(1L << 29, Capabilities.mask(List.of("CAP_AUDIT_WRITE"), "f"));
        assertEquals(1L << 40, Capabilities.mask(List.of("CAP_CHECKPOINT_RESTORE"), "f"));
    }

    @Test
    void aListIsTheUnionOfItsBitsAndDuplicatesDoNotMatter() {
        assertEquals((1L << 0) | (1L << 5) | (1L << 31),
                Capabilities.mask(List.of("CAP_CHOWN", "CAP_KILL", "CAP_SETFCAP", "CAP_KILL"), "f"));
    }

    @Test
    void namesAreCaseInsensitive() {
        assertEquals(Capabilities.mask(List.of("CAP_NET_RAW"), "f"), Capabilities.mask(List.of("cap_net_raw"), "f"));
    }

    @Test
    void nullAndEmptyAreNoCapabilities() {
        assertEquals(0L, Capabilities.mask(null, "f"));
        assertEquals(0L, Capabilities.mask(List.of(), "f"));
    }

    @Test
    void anUnknownNameIsAnErrorNamingTheFieldAndIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Capabilities.mask(
                List.of("CAP_CHOWN", "CAP_FLY"), "process.capabilities.bounding"));
        assertTrue(e.getMessage().contains("process.capabilities.bounding[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("CAP_FLY"), e.getMessage());
    }

    @Test
    void namesWithoutThePrefixAreNotCapabilities() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Capabilities.mask(List.of("CHOWN"), "process.capabilities.effective"));
        assertTrue(e.getMessage().startsWith("process.capabilities.effective[0]"), e.getMessage());
    }

    @Test
    void theNamesAreDistinctAndInBitOrder() {
        List<String> all = Capabilities.all();
        assertEquals(all.size(), all.stream().distinct().count());
        for (int bit = 0; bit < all.size(); bit++) {
            assertEquals(1L << bit, Capabilities.mask(List.of(all.get(bit)), "f"), all.get(bit));
        }
    }

    /** One read at offset 0: a sysctl file answers a read at any other offset with end of file. */
    private static String readSysctl(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readNBytes(64), StandardCharsets.US_ASCII).trim();
        }
    }

    /** The running kernel says how many capabilities exist; the table must know every one of them. */
    @Test
    void theTableCoversEveryCapabilityOfTheRunningKernel() throws IOException {
        Path lastCap = Path.of("/proc/sys/kernel/cap_last_cap");
        assumeTrue(Files.isReadable(lastCap));
        int last = Integer.parseInt(readSysctl(lastCap));
        assertTrue(Capabilities.all().size() >= last + 1,
                "kernel has " + (last + 1) + " capabilities, the table " + Capabilities.all().size());
        long everything = Capabilities.mask(Capabilities.all(), "f");
        // This process's bounding set (root's: nearly all) names only known capabilities.
        long bounding = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapBnd:")).map(l -> Long.parseUnsignedLong(l.substring(7).trim(), 16))
                .findFirst().orElseThrow();
        assertEquals(0L, bounding & ~everything, "bounding set " + Long.toHexString(bounding));
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit <= last; bit++) {
            if ((bounding & (1L << bit)) != 0) names.add(Capabilities.all().get(bit));
        }
        assertEquals(bounding, Capabilities.mask(names, "f"), "names " + Arrays.toString(names.toArray()));
    }
}
