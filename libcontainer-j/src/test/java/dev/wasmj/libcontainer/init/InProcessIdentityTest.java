package dev.wasmj.libcontainer.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** execve's capability rules (capabilities(7)) for a file without file capabilities, as a module is. */
class InProcessIdentityTest {
    private static final long CHOWN = 1, DAC_OVERRIDE = 1 << 1, KILL = 1 << 5, NET_BIND_SERVICE = 1 << 10;

    @Test
    void rootHoldsItsBoundingAndInheritableSetsWhateverTheSpecSaysIsEffective() {
        long[] spec = {CHOWN | KILL, CHOWN, CHOWN, DAC_OVERRIDE, 0};
        // permitted = effective = bounding | inheritable; the spec's effective list does not narrow it (as for runc)
        assertArrayEquals(new long[] {CHOWN | KILL, CHOWN | KILL | DAC_OVERRIDE, CHOWN | KILL | DAC_OVERRIDE, DAC_OVERRIDE, 0},
                InProcessIdentity.afterExec(0, spec));
    }

    @Test
    void anotherUidHoldsOnlyItsAmbientCapabilities() {
        // containerd's default spec lists the same capabilities as effective and permitted for any user:
        // after execve a non-root program holds none of them.
        long defaults = CHOWN | DAC_OVERRIDE | KILL | NET_BIND_SERVICE;
        assertArrayEquals(new long[] {defaults, 0, 0, 0, 0},
                InProcessIdentity.afterExec(1000, new long[] {defaults, defaults, defaults, 0, 0}));
        assertArrayEquals(new long[] {defaults, NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE},
                InProcessIdentity.afterExec(1000, new long[] {defaults, defaults, defaults, NET_BIND_SERVICE, NET_BIND_SERVICE}));
    }

    @Test
    void anAmbientCapabilityThatIsNotPermittedAndInheritableIsNotRaised() {
        assertArrayEquals(new long[] {KILL, 0, 0, 0, 0}, InProcessIdentity.afterExec(1000, new long[] {KILL, KILL, KILL, 0, KILL}));
        assertArrayEquals(new long[] {KILL, KILL, KILL, 0, 0}, InProcessIdentity.afterExec(0, new long[] {KILL, 0, 0, 0, KILL}));
    }

    @Test
    void withoutACapabilitiesSectionNothingIsChanged() {
        assertNull(InProcessIdentity.afterExec(0, null));
        assertNull(InProcessIdentity.afterExec(1000, null));
    }
}
