package dev.wasmj.libcontainer.seccomp;

import dev.wasmj.libcontainer.seccomp.BpfProgram.Jump;
import dev.wasmj.libcontainer.seccomp.BpfProgram.Label;
import dev.wasmj.libcontainer.seccomp.SeccompPolicy.Condition;
import dev.wasmj.libcontainer.seccomp.SeccompPolicy.Rule;
import dev.wasmj.oci.runtime.LinuxSeccomp;
import java.util.List;

/**
 * Compiles the spec's linux.seccomp into a classic-BPF seccomp filter: the bytes of a
 * {@code struct sock_filter[]}, for {@code seccomp(SECCOMP_SET_MODE_FILTER, flags(profile), &prog)}.
 *
 * <p>What the filter does, in order:
 * <ol>
 *   <li>A syscall made with another ABI than the native one ({@code seccomp_data.arch} is not
 *       {@link Arch#auditArch()}, e.g. i386 via {@code int 0x80} on x86_64; or, on x86_64, an x32 syscall:
 *       number with bit 0x40000000 set) gets SECCOMP_RET_KILL_PROCESS, unless the default action is
 *       SCMP_ACT_ALLOW, in which case it is allowed, unfiltered. The profile's {@code architectures} list is
 *       checked for known names but otherwise not used: only native syscalls are filtered rule by rule.
 *       Note the consequence for a deny-list (default SCMP_ACT_ALLOW) profile: its rules do not apply to
 *       foreign-ABI syscalls. (libseccomp would filter the listed extra architectures by the same rules and
 *       kill the others.) Number -1, which a tracer uses to skip a syscall, is not taken for x32.</li>
 *   <li>The rules, in profile order; the first rule that matches decides. A rule matches if the syscall
 *       number is one of its names' and every one of its {@code args} conditions holds (ANDed, also when
 *       several are on the same argument, as libseccomp does for one rule; runc instead splits such a rule
 *       into one rule per condition, i.e. ORs them). Names this architecture does not have are skipped, as
 *       runc does: profiles list the syscalls of every architecture.</li>
 *   <li>Otherwise, unless the default action allows: a syscall number above every number of this
 *       architecture's table (Linux 6.1's) gets ERRNO(ENOSYS), so that a program on a newer kernel falls back
 *       to an older syscall instead of failing with the default's EPERM (runc does the same with the newest
 *       syscall its profile names).</li>
 *   <li>Otherwise the default action.</li>
 * </ol>
 *
 * <p>Conditions compare the full 64-bit argument, unsigned (the spec's uint64; a negative {@code Long} is a
 * value of 2^63 or more). ERRNO and TRACE return {@code errnoRet} (default EPERM, as runc) in the low 16 bits.
 * SCMP_ACT_NOTIFY and listenerPath are refused: not supported yet. The layout of the program is decided here;
 * {@link BpfProgram} turns labels into offsets.
 */
public final class SeccompCompiler {
    // struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
    static final int OFFSET_NR = 0;
    static final int OFFSET_ARCH = 4;
    static final int OFFSET_ARGS = 16;
    /** BPF_MAXINSNS: the kernel refuses longer filters. */
    static final int MAX_INSTRUCTIONS = 4096;
    private static final int ENOSYS = 38;

    /** One return instruction per this many names of an argument-less rule keeps every jump to it short. */
    private static final int NAMES_PER_RETURN = BpfProgram.MAX_SHORT_JUMP + 1;

    private final SeccompPolicy policy;
    private final Arch arch;
    private final BpfProgram program = new BpfProgram();

    private SeccompCompiler(SeccompPolicy policy, Arch arch) {
        this.policy = policy;
        this.arch = arch;
    }

    /** The filter for {@code profile} on {@code arch}; a SeccompException names the field at fault. */
    public static byte[] compile(LinuxSeccomp profile, Arch arch) {
        SeccompPolicy policy = SeccompPolicy.of(profile, arch);
        byte[] filter = new SeccompCompiler(policy, arch).emit().assemble();
        int instructions = filter.length / BpfProgram.INSN_BYTES;
        if (instructions > MAX_INSTRUCTIONS) {
            throw SeccompException.field("linux.seccomp", "the filter needs " + instructions
                    + " BPF instructions, more than the kernel's limit of " + MAX_INSTRUCTIONS);
        }
        return filter;
    }

    /**
     * linux.seccomp.flags as SECCOMP_FILTER_FLAG_* bits for seccomp(2). SECCOMP_FILTER_FLAG_TSYNC is accepted
     * but not set (the filter goes on the thread that calls execve, which ends all others); an unknown flag
     * is a SeccompException naming it.
     */
    public static int flags(LinuxSeccomp profile) {
        return SeccompFlags.of(profile);
    }

    private BpfProgram emit() {
        Label archOk = program.newLabel("archOk");
        Label foreign = program.newLabel("foreignAbi");
        Label rules = program.newLabel("rules");

        program.load(OFFSET_ARCH).jump(Jump.JEQ, arch.auditArch(), archOk, foreign);
        program.place(archOk).load(OFFSET_NR);
        if (arch.hasX32()) {
            Label x32 = program.newLabel("x32");
            program.jump(Jump.JSET, Arch.X32_SYSCALL_BIT, x32, rules);
            program.place(x32).jump(Jump.JEQ, -1, rules, foreign);
        } else {
            program.jumpTo(rules);
        }
        program.place(foreign).ret(policy.defaultAllows ? policy.defaultRet : SeccompAction.KILL_PROCESS.ret);

        program.place(rules);
        boolean nrInA = true; // argument checks overwrite the accumulator: reload nr after them
        for (Rule rule : policy.rules) {
            if (!nrInA) program.load(OFFSET_NR);
            Label next = program.newLabel("nextRule");
            if (rule.conditions().isEmpty()) {
                emitUnconditional(rule);
            } else {
                emitConditional(rule, next);
                nrInA = false;
            }
            program.place(next);
        }
        if (!policy.defaultAllows) {
            // A syscall newer than our tables (the profile cannot have named it) answers ENOSYS, not the
            // default, so that libc falls back to an older call instead of failing with EPERM. -1 (a
            // tracer's skipped call) is not a new syscall.
            int newest = arch.syscalls().values().stream().max(Integer::compare).orElse(0);
            if (!nrInA) program.load(OFFSET_NR);
            Label above = program.newLabel("aboveTable");
            Label enosys = program.newLabel("enosys");
            Label fallback = program.newLabel("default");
            program.jump(Jump.JGT, newest, above, fallback);
            program.place(above).jump(Jump.JGE, Arch.X32_SYSCALL_BIT, fallback, enosys);
            program.place(enosys).ret(SeccompAction.ERRNO.ret | ENOSYS);
            program.place(fallback);
        }
        program.ret(policy.defaultRet);
        return program;
    }

    /** jeq nr... -> ret; in chunks, each with its own ret, so that no jump needs a trampoline. */
    private void emitUnconditional(Rule rule) {
        List<Integer> nrs = rule.syscalls();
        for (int from = 0; from < nrs.size(); from += NAMES_PER_RETURN) {
            Label hit = program.newLabel("hit");
            Label miss = program.newLabel("miss");
            matchAny(nrs.subList(from, Math.min(nrs.size(), from + NAMES_PER_RETURN)), hit, miss);
            program.place(hit).ret(rule.ret());
            program.place(miss);
        }
    }

    private void emitConditional(Rule rule, Label next) {
        Label checkArgs = program.newLabel("args");
        matchAny(rule.syscalls(), checkArgs, next);
        program.place(checkArgs);
        for (Condition condition : rule.conditions()) emitCondition(condition, next);
        program.ret(rule.ret());
    }

    /** Goes to {@code hit} if nr (in A) is one of {@code nrs}, else to {@code miss}. */
    private void matchAny(List<Integer> nrs, Label hit, Label miss) {
        for (int i = 0; i < nrs.size(); i++) {
            program.jump(Jump.JEQ, nrs.get(i), hit, i == nrs.size() - 1 ? miss : null);
        }
    }

    /**
     * Falls through if the condition holds, else goes to {@code fail}. 64-bit unsigned comparisons from
     * 32-bit loads: the high words decide unless they are equal, then the low words do.
     */
    private void emitCondition(Condition c, Label fail) {
        int low = OFFSET_ARGS + 8 * c.index(); // little-endian: low word first
        int high = low + 4;
        int valueLow = (int) c.value();
        int valueHigh = (int) (c.value() >>> 32);
        Label pass = program.newLabel("pass");
        switch (c.op()) {
            case EQ:
                program.load(high).jump(Jump.JEQ, valueHigh, null, fail);
                program.load(low).jump(Jump.JEQ, valueLow, pass, fail);
                break;
            case NE:
                program.load(high).jump(Jump.JEQ, valueHigh, null, pass);
                program.load(low).jump(Jump.JEQ, valueLow, fail, pass);
                break;
            case GT:
            case GE:
                program.load(high).jump(Jump.JGT, valueHigh, pass, null);
                program.jump(Jump.JEQ, valueHigh, null, fail);
                program.load(low).jump(c.op() == Comparison.GT ? Jump.JGT : Jump.JGE, valueLow, pass, fail);
                break;
            case LT:
            case LE:
                // arg < v is !(arg >= v), arg <= v is !(arg > v).
                program.load(high).jump(Jump.JGT, valueHigh, fail, null);
                program.jump(Jump.JEQ, valueHigh, null, pass);
                program.load(low).jump(c.op() == Comparison.LT ? Jump.JGE : Jump.JGT, valueLow, fail, pass);
                break;
            case MASKED_EQ:
                int wantLow = (int) c.valueTwo();
                int wantHigh = (int) (c.valueTwo() >>> 32);
                program.load(high).and(valueHigh).jump(Jump.JEQ, wantHigh, null, fail);
                program.load(low).and(valueLow).jump(Jump.JEQ, wantLow, pass, fail);
                break;
            default:
                throw new AssertionError(c.op());
        }
        program.place(pass);
    }
}
