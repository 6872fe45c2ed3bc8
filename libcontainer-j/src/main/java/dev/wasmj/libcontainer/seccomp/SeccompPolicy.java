package dev.wasmj.libcontainer.seccomp;

import dev.wasmj.oci.runtime.LinuxSeccomp;
import dev.wasmj.oci.runtime.LinuxSeccompArg;
import dev.wasmj.oci.runtime.LinuxSyscall;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * linux.seccomp checked and resolved for one architecture: actions turned into SECCOMP_RET_* values,
 * syscall names into numbers (names the architecture lacks are dropped, as runc does), arguments into
 * conditions. Every problem is reported with the spec field it is in.
 */
final class SeccompPolicy {
    static final int MAX_ARGS = 6;

    /** One argument condition: {@code args[index] op value} (MASKED_EQ: {@code (args[index] & value) == valueTwo}). */
    record Condition(int index, Comparison op, long value, long valueTwo) {}

    /** A rule: if the syscall is one of {@code syscalls} and all conditions hold, return {@code ret}. */
    record Rule(List<Integer> syscalls, int ret, List<Condition> conditions) {}

    /** The spec's architecture names (libseccomp's), accepted in linux.seccomp.architectures. */
    private static final Set<String> ARCHITECTURES = Set.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    private static final String FIELD = "linux.seccomp";

    final int defaultRet;
    final boolean defaultAllows;
    final List<Rule> rules;

    private SeccompPolicy(int defaultRet, boolean defaultAllows, List<Rule> rules) {
        this.defaultRet = defaultRet;
        this.defaultAllows = defaultAllows;
        this.rules = List.copyOf(rules);
    }

    static SeccompPolicy of(LinuxSeccomp profile, Arch arch) {
        if (profile == null) throw SeccompException.field(FIELD, "missing");
        if (profile.getListenerPath() != null && !profile.getListenerPath().isEmpty()) {
            throw SeccompException.field(FIELD + ".listenerPath", "seccomp notify (a listener) is not supported yet");
        }
        int defaultRet = SeccompAction.returnValue(profile.getDefaultAction(), profile.getDefaultErrnoRet(),
                FIELD + ".defaultAction", FIELD + ".defaultErrnoRet");
        checkArchitectures(profile.getArchitectures());
        SeccompFlags.of(profile); // refuse unknown flags here too, not only when the runtime asks for them

        List<Rule> rules = new ArrayList<>();
        List<LinuxSyscall> syscalls = profile.getSyscalls() == null ? List.of() : profile.getSyscalls();
        for (int i = 0; i < syscalls.size(); i++) {
            Rule rule = rule(syscalls.get(i), FIELD + ".syscalls[" + i + "]", arch);
            if (!rule.syscalls().isEmpty()) rules.add(rule);
        }
        return new SeccompPolicy(defaultRet, defaultRet == SeccompAction.ALLOW.ret, rules);
    }

    private static void checkArchitectures(List<String> architectures) {
        if (architectures == null) return;
        for (int i = 0; i < architectures.size(); i++) {
            String a = architectures.get(i);
            if (!ARCHITECTURES.contains(a)) {
                throw SeccompException.field(FIELD + ".architectures[" + i + "]", "unknown architecture \"" + a + "\"");
            }
        }
    }

    private static Rule rule(LinuxSyscall syscall, String field, Arch arch) {
        if (syscall == null) throw SeccompException.field(field, "missing");
        int ret = SeccompAction.returnValue(syscall.getAction(), syscall.getErrnoRet(), field + ".action",
                field + ".errnoRet");
        List<String> names = syscall.getNames();
        if (names == null || names.isEmpty()) throw SeccompException.field(field + ".names", "missing or empty");
        Set<Integer> numbers = new LinkedHashSet<>();
        for (int j = 0; j < names.size(); j++) {
            String name = names.get(j);
            if (name == null || name.isEmpty()) throw SeccompException.field(field + ".names[" + j + "]", "empty");
            OptionalInt nr = arch.syscallNumber(name);
            if (nr.isPresent()) numbers.add(nr.getAsInt());
        }
        List<Condition> conditions = new ArrayList<>();
        List<LinuxSeccompArg> args = syscall.getArgs() == null ? List.of() : syscall.getArgs();
        for (int k = 0; k < args.size(); k++) {
            conditions.add(condition(args.get(k), field + ".args[" + k + "]"));
        }
        return new Rule(List.copyOf(numbers), ret, conditions);
    }

    private static Condition condition(LinuxSeccompArg arg, String field) {
        if (arg == null) throw SeccompException.field(field, "missing");
        Integer index = arg.getIndex();
        if (index == null) throw SeccompException.field(field + ".index", "missing");
        if (index < 0 || index >= MAX_ARGS) {
            throw SeccompException.field(field + ".index", index + " outside 0.." + (MAX_ARGS - 1));
        }
        Comparison op = Comparison.parse(arg.getOp(), field + ".op");
        if (arg.getValue() == null) throw SeccompException.field(field + ".value", "missing");
        // A Long holds the 64 bits of the spec's uint64 (a negative Long is a value above 2^63).
        long valueTwo = arg.getValueTwo() == null ? 0 : arg.getValueTwo();
        return new Condition(index, op, arg.getValue(), valueTwo);
    }
}
