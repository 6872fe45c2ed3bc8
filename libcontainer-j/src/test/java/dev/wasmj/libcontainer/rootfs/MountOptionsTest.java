package dev.wasmj.libcontainer.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.rootfs.MountOptions.Parsed;
import dev.wasmj.libcontainer.syscall.MountFlags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** runc's reading of a spec mount's "options". */
class MountOptionsTest {

    private static Parsed parse(String csv) {
        return MountOptions.parse(csv.isEmpty() ? List.of() : Arrays.asList(csv.split(",")));
    }

    @Test
    void theFlagOptionsOfRuncsDefaultSpec() {
        Parsed p = parse("ro,nosuid,nodev,noexec");
        assertEquals(MountFlags.RDONLY | MountFlags.NOSUID | MountFlags.NODEV | MountFlags.NOEXEC, p.flags());
        assertEquals(0L, p.propagation());
        assertNull(p.data(), "no data when every option is a flag");
    }

    @Test
    void rbindIsARecursiveBindAndRprivateIsPropagation() {
        Parsed p = parse("rbind,rprivate");
        assertEquals(MountFlags.BIND | MountFlags.REC, p.flags());
        assertEquals(MountFlags.PRIVATE | MountFlags.REC, p.propagation());
        assertEquals(0L, p.flags() & MountFlags.PROPAGATION, "propagation never mixes with the mount flags");
    }

    @Test
    void bindIsNotRecursive() {
        assertEquals(MountFlags.BIND, parse("bind").flags());
    }

    @Test
    void filesystemDataIsKeptInOrder() {
        Parsed p = parse("nosuid,mode=755,size=64k,strictatime");
        assertEquals(MountFlags.NOSUID | MountFlags.STRICTATIME, p.flags());
        assertEquals("mode=755,size=64k", p.data());
    }

    @Test
    void unknownOptionsPassThroughAsData() {
        Parsed p = parse("nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5,x-custom");
        assertEquals(MountFlags.NOSUID | MountFlags.NOEXEC, p.flags());
        assertEquals("newinstance,ptmxmode=0666,mode=0620,gid=5,x-custom", p.data());
    }

    @Test
    void rwAfterRoClearsIt() {
        assertEquals(0L, parse("ro,rw").flags() & MountFlags.RDONLY);
        assertEquals(MountFlags.RDONLY, parse("rw,ro").flags() & MountFlags.RDONLY, "the last word wins");
    }

    @ParameterizedTest
    @CsvSource({
        "nosuid, suid", "nodev, dev", "noexec, exec", "sync, async", "noatime, atime", "nodiratime, diratime",
        "relatime, norelatime", "strictatime, nostrictatime", "nosymfollow, symfollow", "silent, loud",
        "mand, nomand"})
    void eachClearingOptionUndoesItsSettingOption(String set, String clear) {
        long flag = parse(set).flags();
        assertTrue(flag != 0, set + " sets a flag");
        assertEquals(0L, parse(set + "," + clear).flags(), clear + " clears " + set);
        assertEquals(flag, parse(clear + "," + set).flags());
    }

    @ParameterizedTest
    @CsvSource({
        "private, 0x40000", "rprivate, 0x44000", "shared, 0x100000", "rshared, 0x104000", "slave, 0x80000",
        "rslave, 0x84000", "unbindable, 0x20000", "runbindable, 0x24000"})
    void propagationOptionsAreTheKernelsFlags(String option, String hex) {
        // MS_PRIVATE 1<<18, MS_SHARED 1<<20, MS_SLAVE 1<<19, MS_UNBINDABLE 1<<17, MS_REC 0x4000 (linux/mount.h)
        Parsed p = parse(option);
        assertEquals(Long.decode(hex), p.propagation());
        assertEquals(0L, p.flags());
        assertNull(p.data());
    }

    @Test
    void unsupportedOptionsThatRuncIgnoredAreNotPassedToTheKernel() {
        Parsed p = parse("tmpcopyup,idmap=uids=0-1000-10,ridmap,mode=755");
        assertEquals("mode=755", p.data());
        assertEquals(0L, p.flags());
    }

    @Test
    void noOptionsAtAll() {
        Parsed none = MountOptions.parse(null);
        assertEquals(0L, none.flags());
        assertEquals(0L, none.propagation());
        assertNull(none.data());
        assertEquals(none, MountOptions.parse(new ArrayList<>()));
    }

    @Test
    void rootPropagationDefaultsToRslaveLikeRunc() {
        assertEquals(MountFlags.SLAVE | MountFlags.REC, MountOptions.rootPropagation(null));
        assertEquals(MountFlags.SLAVE | MountFlags.REC, MountOptions.rootPropagation(""));
    }

    @Test
    void rootPropagationTakesTheSpecsValues() {
        assertEquals(MountFlags.PRIVATE, MountOptions.rootPropagation("private"));
        assertEquals(MountFlags.SHARED | MountFlags.REC, MountOptions.rootPropagation("rshared"));
        assertEquals(MountFlags.SLAVE, MountOptions.rootPropagation("slave"));
        assertEquals(MountFlags.UNBINDABLE | MountFlags.REC, MountOptions.rootPropagation("runbindable"));
    }

    @Test
    void anUnknownRootPropagationIsAnErrorNamingTheFieldAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MountOptions.rootPropagation("sideways"));
        assertTrue(e.getMessage().contains("linux.rootfsPropagation"), e.getMessage());
        assertTrue(e.getMessage().contains("sideways"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MountOptions.rootPropagation("rw"),
                "a mount flag is not a propagation");
    }
}
