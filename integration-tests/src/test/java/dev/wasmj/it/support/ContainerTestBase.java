package dev.wasmj.it.support;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What every container test starts with: root, a temp dir for bundles, and the command with its own --root. */
public abstract class ContainerTestBase {
    @TempDir
    protected Path tmp;

    protected Cli cli;

    @BeforeEach
    void requireRootAndMakeCli() {
        RootOnly.check();
        cli = new Cli(tmp.resolve("state"));
    }
}
