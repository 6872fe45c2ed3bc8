package dev.wasmj.libcontainer.seccomp;

import static dev.wasmj.libcontainer.seccomp.Profiles.arg;
import static dev.wasmj.libcontainer.seccomp.Profiles.errno;
import static dev.wasmj.libcontainer.seccomp.Profiles.profile;
import static dev.wasmj.libcontainer.seccomp.Profiles.rule;
import static dev.wasmj.libcontainer.seccomp.Profiles.withArgs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.oci.runtime.LinuxSeccomp;
import dev.wasmj.oci.runtime.LinuxSeccompArg;
import dev.wasmj.oci.runtime.LinuxSyscall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompCompilerTest {
    private static String error(LinuxSeccomp p) {
        return assertThrows(SeccompException.class, () -> SeccompCompiler.compile(p, Arch.X86_64)).getMessage();
    }

    @Test
    void notifyIsRefusedClearly() {
        LinuxSeccomp p = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "read"), rule("SCMP_ACT_ALLOW", "write"),
                rule("SCMP_ACT_ALLOW", "close"), rule("SCMP_ACT_NOTIFY", "mkdir"));
        assertEquals("linux.seccomp.syscalls[3].action: SCMP_ACT_NOTIFY is not supported yet", error(p));
        assertEquals("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported yet",
                error(profile("SCMP_ACT_NOTIFY")));
        LinuxSeccomp listener = profile("SCMP_ACT_ALLOW");
        listener.setListenerPath("/run/agent.sock");
        assertEquals("linux.seccomp.listenerPath: seccomp notify (a listener) is not supported yet", error(listener));
    }

    @Test
    void errorsNameTheField() {
        assertEquals("linux.seccomp.defaultAction: missing", error(profile(null)));
        assertEquals("linux.seccomp.defaultAction: unknown action \"ALLOW\"", error(profile("ALLOW")));
        assertEquals("linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_DENY\"",
                error(profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_KILL", "read"), rule("SCMP_ACT_DENY", "write"))));
        assertEquals("linux.seccomp.syscalls[0].action: missing", error(profile("SCMP_ACT_ALLOW", rule(null, "read"))));
        assertEquals("linux.seccomp.syscalls[0].names: missing or empty", error(profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_KILL"))));
        assertEquals("linux.seccomp.syscalls[0].names[1]: empty",
                error(profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_KILL", "read", ""))));
        assertEquals("linux.seccomp.syscalls[2].args[0].index: 6 outside 0..5",
                error(profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_KILL", "read"), rule("SCMP_ACT_KILL", "write"),
                        withArgs(rule("SCMP_ACT_KILL", "close"), arg(6, "SCMP_CMP_EQ", 1)))));
        assertEquals("linux.seccomp.syscalls[0].args[1].index: -1 outside 0..5",
                error(profile("SCMP_ACT_ALLOW", withArgs(rule("SCMP_ACT_KILL", "close"),
                        arg(0, "SCMP_CMP_EQ", 1), arg(-1, "SCMP_CMP_EQ", 1)))));
        LinuxSeccompArg noIndex = arg(0, "SCMP_CMP_EQ", 1);
        noIndex.setIndex(null);
        assertEquals("linux.seccomp.syscalls[0].args[0].index: missing",
                error(profile("SCMP_ACT_ALLOW", withArgs(rule("SCMP_ACT_KILL", "close"), noIndex))));
        LinuxSeccompArg noValue = arg(0, "SCMP_CMP_EQ", 1);
        noValue.setValue(null);
        assertEquals("linux.seccomp.syscalls[0].args[0].value: missing",
                error(profile("SCMP_ACT_ALLOW", withArgs(rule("SCMP_ACT_KILL", "close"), noValue))));
        assertEquals("linux.seccomp.syscalls[0].args[0].op: unknown operator \"EQ\"",
                error(profile("SCMP_ACT_ALLOW", withArgs(rule("SCMP_ACT_KILL", "close"), arg(0, "EQ", 1)))));
        assertEquals("linux.seccomp.syscalls[0].errnoRet: 65536 outside 0..65535",
                error(profile("SCMP_ACT_ALLOW", errno(65536, "read"))));
        LinuxSeccomp badDefault = profile("SCMP_ACT_ERRNO");
        badDefault.setDefaultErrnoRet(-1);
        assertEquals("linux.seccomp.defaultErrnoRet: -1 outside 0..65535", error(badDefault));
        LinuxSeccomp badArch = profile("SCMP_ACT_ALLOW");
        badArch.setArchitectures(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"));
        assertEquals("linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"", error(badArch));
        assertEquals("linux.seccomp: missing", assertThrows(SeccompException.class,
                () -> SeccompCompiler.compile(null, Arch.X86_64)).getMessage());
    }

    @Test
    void problemsInRulesWhoseNamesAreUnknownHereAreStillReported() {
        // The same profile must be accepted or refused on every architecture.
        assertEquals("linux.seccomp.syscalls[0].args[0].index: 7 outside 0..5", error(profile("SCMP_ACT_ALLOW",
                withArgs(rule("SCMP_ACT_KILL", "arm_fadvise64_64"), arg(7, "SCMP_CMP_EQ", 1)))));
    }

    @Test
    void flagsBecomeFilterFlagBits() {
        LinuxSeccomp p = profile("SCMP_ACT_ALLOW");
        assertEquals(0, SeccompCompiler.flags(p));
        p.setFlags(List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"));
        assertEquals(2 | 4, SeccompCompiler.flags(p), "TSYNC is accepted and left out");
        p.setFlags(List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_BOGUS"));
        assertEquals("linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"",
                assertThrows(SeccompException.class, () -> SeccompCompiler.flags(p)).getMessage());
        assertEquals("linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"", error(p),
                "compile refuses them too");
        p.setFlags(List.of("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
        assertEquals("linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a seccomp notify listener, "
                + "which is not supported yet", assertThrows(SeccompException.class, () -> SeccompCompiler.flags(p)).getMessage());
    }

    @Test
    void dockerLikeProfileFitsEasily() {
        for (Arch arch : Arch.values()) {
            byte[] filter = SeccompCompiler.compile(Profiles.dockerLike(), arch);
            int instructions = filter.length / 8;
            assertTrue(instructions < 600, arch + ": " + instructions + " instructions");
            assertTrue(instructions > 250, arch + ": " + instructions + " instructions");
            new BpfInterpreter(filter); // passes the kernel's checks
        }
        assertTrue(Profiles.DOCKER_ALLOWED.split("\\s+").length > 300);
    }

    @Test
    void tooLongAProgramIsRefused() {
        List<LinuxSeccompArg> checks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) checks.add(arg(i % 6, "SCMP_CMP_NE", i));
        LinuxSyscall r = rule("SCMP_ACT_ALLOW", "read");
        r.setArgs(checks);
        String message = error(profile("SCMP_ACT_ERRNO", r));
        assertTrue(message.matches("linux\\.seccomp: the filter needs \\d+ BPF instructions, more than the kernel's "
                + "limit of 4096"), message);
    }

    @Test
    void sameProfileSameBytes() {
        assertArrayEquals(SeccompCompiler.compile(Profiles.dockerLike(), Arch.X86_64),
                SeccompCompiler.compile(Profiles.dockerLike(), Arch.X86_64));
    }

    @Test
    void smallestFilterIsReadable() {
        // The header (arch check, x32 check, reject), no rules, the default: a fixed shape.
        BpfInterpreter f = new BpfInterpreter(SeccompCompiler.compile(profile("SCMP_ACT_ALLOW"), Arch.X86_64));
        assertEquals(Arrays.asList(
                "ld [4]",
                "jeq #0xc000003e jt +0 jf +3",
                "ld [0]",
                "jset #0x40000000 jt +0 jf +2",
                "jeq #0xffffffff jt +1 jf +0",
                "ret #0x7fff0000",
                "ret #0x7fff0000"), Arrays.asList(f.dump().lines().map(l -> l.substring(6)).toArray()));
        BpfInterpreter arm = new BpfInterpreter(SeccompCompiler.compile(profile("SCMP_ACT_KILL_PROCESS"), Arch.AARCH64));
        assertEquals(Arrays.asList(
                "ld [4]",
                "jeq #0xc00000b7 jt +0 jf +2",
                "ld [0]",
                "ja +1",
                "ret #0x80000000",
                "jgt #0x1c2 jt +0 jf +2",         // above aarch64's newest syscall (450) ...
                "jge #0x40000000 jt +1 jf +0",    // ... but not -1: ENOSYS
                "ret #0x50026",
                "ret #0x80000000"), Arrays.asList(arm.dump().lines().map(l -> l.substring(6)).toArray()));
    }
}
