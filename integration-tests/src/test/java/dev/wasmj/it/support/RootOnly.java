package dev.wasmj.it.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;

/** These tests create namespaces, cgroups and mounts: they need root and Debian's busybox-static. */
public final class RootOnly {
    private RootOnly() {}

    public static void check() {
        assumeTrue(new UnixSystem().getUid() == 0, "needs root");
        if (!Files.isExecutable(BusyboxBundle.BUSYBOX)) {
            throw new IllegalStateException(BusyboxBundle.BUSYBOX + " missing: apt-get install busybox-static");
        }
    }
}
