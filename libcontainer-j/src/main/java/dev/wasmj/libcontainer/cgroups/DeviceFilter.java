package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * linux.resources.devices as a cgroup v2 device filter: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE
 * that the kernel runs on every open and mknod of a device node by the container, allowing (1) or denying (0).
 * cgroup v2 has no devices.allow/deny files; this is its only device control.
 *
 * <p>The rules mean what they meant on cgroup v1: a cgroup starts allowing everything (as its parent); a
 * wildcard rule ({@code "a"}, any major and minor, all of "rwm") sets that default and forgets the rules
 * before it; after it, the last rule that matches an access decides. An allow rule matches when it covers
 * every access asked for (an open for "rw" needs a rule with both), a deny rule when it covers any of them.
 * The program checks the rules from the last to the first and falls back to the default.
 */
public final class DeviceFilter {
    // bpf_cgroup_dev_ctx (linux/bpf.h): u32 access_type (access << 16 | type), u32 major, u32 minor.
    static final int TYPE_BLOCK = 1;
    static final int TYPE_CHAR = 2;
    static final int ACC_MKNOD = 1;
    static final int ACC_READ = 2;
    static final int ACC_WRITE = 4;
    static final int ACC_ALL = ACC_MKNOD | ACC_READ | ACC_WRITE;

    // eBPF opcodes (linux/bpf_common.h, linux/bpf.h).
    static final int LDX_MEM_W = 0x61;
    static final int ALU32_AND_K = 0x54;
    static final int ALU32_RSH_K = 0x74;
    static final int ALU32_MOV_X = 0xbc;
    static final int ALU64_MOV_K = 0xb7;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JNE_K = 0x55;
    static final int JMP_EXIT = 0x95;

    // Registers: r1 the context; after the prelude r2 the type, r3 the access, r4 the major, r5 the minor.
    private static final int R0 = 0, R1 = 1, TYPE = 2, ACCESS = 3, MAJOR = 4, MINOR = 5;

    private record Rule(boolean allow, int type, long major, long minor, int access) {}

    private DeviceFilter() {}

    /** The program for {@code rules}, as the kernel takes it (struct bpf_insn[], little-endian). */
    public static byte[] compile(List<LinuxDeviceCgroup> rules) {
        boolean defaultAllow = true;
        List<Rule> exceptions = new ArrayList<>();
        for (LinuxDeviceCgroup r : rules) {
            Rule rule = rule(r);
            if (rule.type == 0 && rule.major < 0 && rule.minor < 0 && rule.access == ACC_ALL) {
                defaultAllow = rule.allow; // a wildcard: the new default, and the rules before it no longer count
                exceptions.clear();
            } else {
                exceptions.add(rule);
            }
        }
        Program p = new Program();
        p.insn(LDX_MEM_W, TYPE, R1, 0, 0);
        p.insn(ALU32_AND_K, TYPE, 0, 0, 0xffff);
        p.insn(LDX_MEM_W, ACCESS, R1, 0, 0);
        p.insn(ALU32_RSH_K, ACCESS, 0, 0, 16);
        p.insn(LDX_MEM_W, MAJOR, R1, 4, 0);
        p.insn(LDX_MEM_W, MINOR, R1, 8, 0);
        for (int i = exceptions.size() - 1; i >= 0; i--) p.block(exceptions.get(i));
        p.insn(ALU64_MOV_K, R0, 0, 0, defaultAllow ? 1 : 0);
        p.insn(JMP_EXIT, 0, 0, 0, 0);
        return p.bytes();
    }

    private static Rule rule(LinuxDeviceCgroup r) {
        int type = switch (r.getType() == null ? "a" : r.getType()) {
            case "a" -> 0;
            case "c" -> TYPE_CHAR;
            case "b" -> TYPE_BLOCK;
            default -> throw new IllegalArgumentException("linux.resources.devices: unknown type \"" + r.getType() + "\"");
        };
        int access = 0;
        String a = r.getAccess() == null || r.getAccess().isEmpty() ? "rwm" : r.getAccess();
        for (char c : a.toCharArray()) {
            access |= switch (c) {
                case 'r' -> ACC_READ;
                case 'w' -> ACC_WRITE;
                case 'm' -> ACC_MKNOD;
                default -> throw new IllegalArgumentException("linux.resources.devices: unknown access \"" + a + "\"");
            };
        }
        long major = r.getMajor() == null ? -1 : r.getMajor();
        long minor = r.getMinor() == null ? -1 : r.getMinor();
        return new Rule(Boolean.TRUE.equals(r.getAllow()), type, major, minor, access);
    }

    /** Instructions, with jumps to the end of the current rule's block patched when the block is closed. */
    private static final class Program {
        private final List<long[]> insns = new ArrayList<>(); // {code, dst, src, off, imm}
        private final List<Integer> jumpsToNextBlock = new ArrayList<>();

        void insn(int code, int dst, int src, int off, int imm) {
            insns.add(new long[] {code, dst, src, off, imm});
        }

        /** A conditional jump past the current block: the rule does not match. */
        private void skipBlockIf(int code, int reg, long value) {
            jumpsToNextBlock.add(insns.size());
            insn(code, reg, 0, 0, (int) value);
        }

        void block(Rule r) {
            if (r.type != 0) skipBlockIf(JMP_JNE_K, TYPE, r.type);
            if (r.major >= 0) skipBlockIf(JMP_JNE_K, MAJOR, r.major);
            if (r.minor >= 0) skipBlockIf(JMP_JNE_K, MINOR, r.minor);
            if (r.access != ACC_ALL) {
                insn(ALU32_MOV_X, R0, ACCESS, 0, 0);
                if (r.allow) {
                    insn(ALU32_AND_K, R0, 0, 0, ~r.access & ACC_ALL); // something asked for that the rule lacks
                    skipBlockIf(JMP_JNE_K, R0, 0);
                } else {
                    insn(ALU32_AND_K, R0, 0, 0, r.access); // nothing asked for that the rule denies
                    skipBlockIf(JMP_JEQ_K, R0, 0);
                }
            }
            insn(ALU64_MOV_K, R0, 0, 0, r.allow ? 1 : 0);
            insn(JMP_EXIT, 0, 0, 0, 0);
            int next = insns.size();
            for (int at : jumpsToNextBlock) insns.get(at)[3] = next - (at + 1);
            jumpsToNextBlock.clear();
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(insns.size() * 8);
            for (long[] i : insns) {
                out.write((int) i[0]);
                out.write((int) (i[1] | (i[2] << 4)));
                out.write((int) (i[3] & 0xff));
                out.write((int) ((i[3] >> 8) & 0xff));
                for (int b = 0; b < 4; b++) out.write((int) ((i[4] >> (8 * b)) & 0xff));
            }
            return out.toByteArray();
        }
    }
}
