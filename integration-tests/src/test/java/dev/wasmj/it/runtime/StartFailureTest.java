package dev.wasmj.it.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wasmj.it.support.BusyboxBundle;
import dev.wasmj.it.support.Cli;
import dev.wasmj.it.support.ContainerTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * A program that is there at create but cannot be exec'd at start is reported by start: it exits non-zero
 * with the reason, and the container's status is a shell's (126 found but not executable, 127 not found).
 */
class StartFailureTest extends ContainerTestBase {

    /** uid 1000 may not execute root's 0700 program: create (as root) finds it, execve refuses it. */
    @Test
    void aProgramTheUserMayNotExecuteFailsStartAndRunEndsWith126() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp, "/bin/root-only");
        Path program = b.rootfs().resolve("bin/root-only");
        Files.copy(BusyboxBundle.BUSYBOX, program);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        ((ObjectNode) b.config().get("process")).putObject("user").put("uid", 1000).put("gid", 1000);
        b.write();

        assertEquals(0, cli.run("create", "--bundle", b.dir().toString(), "perm").exitCode());
        Cli.Result start = cli.run("start", "perm");
        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.stderr().contains("cannot start container \"perm\": exec /bin/root-only: execve: Permission denied"),
                start.toString());
        assertTrue(cli.run("state", "perm").stdout().contains("\"stopped\""), "the init is gone");
        assertEquals(0, cli.run("delete", "perm").exitCode());

        Cli.Result run = cli.run("run", "--bundle", b.dir().toString(), "perm-run");
        assertEquals(126, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("execve: Permission denied"), run.toString());
    }

    @Test
    void aProgramGoneByStartFailsItAndRunEndsWith127() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp, "/bin/vanishing");
        Path program = b.rootfs().resolve("bin/vanishing");
        Files.copy(BusyboxBundle.BUSYBOX, program);
        b.write();

        assertEquals(0, cli.run("create", "--bundle", b.dir().toString(), "gone").exitCode());
        Files.delete(program);
        Cli.Result start = cli.run("start", "gone");
        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.stderr().contains("cannot start container \"gone\": exec /bin/vanishing: execve: No such file or directory"),
                start.toString());
        assertEquals(0, cli.run("delete", "gone").exitCode());
    }

    /** A script whose interpreter is missing: execve says ENOENT, so 127 (not found). */
    @Test
    void aScriptWithoutItsInterpreterEndsWith127() throws Exception {
        BusyboxBundle b = BusyboxBundle.create(tmp, "/bin/script");
        Path script = b.rootfs().resolve("bin/script");
        Files.writeString(script, "#!/no/such/interpreter\necho never\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        b.write();
        Cli.Result run = cli.run("run", "--bundle", b.dir().toString(), "script");
        assertEquals(127, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("No such file or directory"), run.toString());
    }
}
