package dev.wasmj.libcontainer.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a seccomp filter the way the kernel would, for the instructions the compiler emits, on a synthetic
 * {@code struct seccomp_data}. It first checks the program as the kernel's classic-BPF and seccomp checkers do
 * (length, known opcodes, aligned in-bounds loads, jumps inside the program, a return at the end), so a filter
 * that passes here is also one the kernel takes. Opcodes are written out from linux/bpf_common.h, not taken
 * from the compiler. The runtime uses it to tell whether the init JVM can live under a filter
 * ({@link JvmSyscalls}); the tests, to check what the compiler emits.
 */
final class BpfInterpreter {
    static final int LD_W_ABS = 0x20;
    static final int ALU_AND_K = 0x54;
    static final int JA = 0x05;
    static final int JEQ_K = 0x15;
    static final int JGT_K = 0x25;
    static final int JGE_K = 0x35;
    static final int JSET_K = 0x45;
    static final int RET_K = 0x06;
    static final int SECCOMP_DATA_SIZE = 64;

    record Insn(int code, int jt, int jf, int k) {
        @Override
        public String toString() {
            String kHex = String.format("0x%x", k);
            switch (code) {
                case LD_W_ABS: return "ld [" + k + "]";
                case ALU_AND_K: return "and #" + kHex;
                case JA: return "ja +" + Integer.toUnsignedString(k);
                case JEQ_K: return "jeq #" + kHex + " jt +" + jt + " jf +" + jf;
                case JGT_K: return "jgt #" + kHex + " jt +" + jt + " jf +" + jf;
                case JGE_K: return "jge #" + kHex + " jt +" + jt + " jf +" + jf;
                case JSET_K: return "jset #" + kHex + " jt +" + jt + " jf +" + jf;
                case RET_K: return "ret #" + kHex;
                default: return "?? code=" + code;
            }
        }
    }

    private final Insn[] program;
    int steps;

    BpfInterpreter(byte[] filter) {
        if (filter.length % 8 != 0) throw new IllegalArgumentException("length " + filter.length + " is not a multiple of 8");
        int n = filter.length / 8;
        if (n < 1 || n > 4096) throw new IllegalArgumentException(n + " instructions: the kernel takes 1..4096");
        ByteBuffer in = ByteBuffer.wrap(filter).order(ByteOrder.LITTLE_ENDIAN);
        program = new Insn[n];
        for (int pc = 0; pc < n; pc++) {
            program[pc] = new Insn(in.getShort() & 0xffff, in.get() & 0xff, in.get() & 0xff, in.getInt());
        }
        check();
    }

    int length() {
        return program.length;
    }

    private void check() {
        int n = program.length;
        for (int pc = 0; pc < n; pc++) {
            Insn i = program[pc];
            switch (i.code()) {
                case LD_W_ABS:
                    if (i.k() < 0 || i.k() % 4 != 0 || i.k() + 4 > SECCOMP_DATA_SIZE) fail(pc, "load outside seccomp_data");
                    break;
                case ALU_AND_K:
                case RET_K:
                    break;
                case JA:
                    if (Integer.toUnsignedLong(i.k()) >= n - pc - 1) fail(pc, "ja out of the program");
                    break;
                case JEQ_K:
                case JGT_K:
                case JGE_K:
                case JSET_K:
                    if (pc + 1 + i.jt() >= n || pc + 1 + i.jf() >= n) fail(pc, "jump out of the program");
                    break;
                default:
                    fail(pc, "opcode the kernel's seccomp checker (or this interpreter) does not take");
            }
        }
        if (program[n - 1].code() != RET_K) fail(n - 1, "the last instruction must be a return");
    }

    private void fail(int pc, String why) {
        throw new IllegalArgumentException("insn " + pc + " (" + program[pc] + "): " + why + "\n" + dump());
    }

    /** The return value for a syscall {@code nr} with {@code arch} and up to six arguments. */
    int run(int nr, int arch, long... args) {
        ByteBuffer data = ByteBuffer.allocate(SECCOMP_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch).putLong(8, 0x7fff_0000_1234L);
        for (int i = 0; i < args.length; i++) data.putLong(16 + 8 * i, args[i]);
        return run(data);
    }

    private int run(ByteBuffer data) {
        int a = 0;
        int pc = 0;
        steps = 0;
        while (true) {
            Insn i = program[pc];
            steps++;
            switch (i.code()) {
                case LD_W_ABS:
                    a = data.getInt(i.k());
                    pc++;
                    break;
                case ALU_AND_K:
                    a &= i.k();
                    pc++;
                    break;
                case JA:
                    pc += 1 + i.k();
                    break;
                case JEQ_K:
                    pc += 1 + (a == i.k() ? i.jt() : i.jf());
                    break;
                case JGT_K:
                    pc += 1 + (Integer.compareUnsigned(a, i.k()) > 0 ? i.jt() : i.jf());
                    break;
                case JGE_K:
                    pc += 1 + (Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf());
                    break;
                case JSET_K:
                    pc += 1 + ((a & i.k()) != 0 ? i.jt() : i.jf());
                    break;
                case RET_K:
                    return i.k();
                default:
                    throw new AssertionError(i);
            }
        }
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        for (int pc = 0; pc < program.length; pc++) sb.append(String.format("%4d  %s%n", pc, program[pc]));
        return sb.toString();
    }
}
