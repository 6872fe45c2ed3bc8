package dev.wasmj.shim.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RootfsMountsTest {

    @Test
    void mountinfoEscapesAreDecoded() {
        assertEquals("/run/a b\\c", RootfsMounts.unescape("/run/a\\040b\\134c"));
        assertEquals("/plain", RootfsMounts.unescape("/plain"));
    }
}
