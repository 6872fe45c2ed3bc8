package dev.wasmj.libcontainer.cgroups;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a cgroup device filter the way the kernel would, for the eBPF instructions {@link DeviceFilter} emits, on
 * a synthetic {@code struct bpf_cgroup_dev_ctx}. Opcodes are written out from linux/bpf.h here, not taken from
 * the code under test; anything else is an error, as are jumps backwards or out of the program.
 */
final class EbpfInterpreter {
    private final ByteBuffer program;
    private final int length;

    EbpfInterpreter(byte[] program) {
        if (program.length % 8 != 0 || program.length == 0) throw new IllegalArgumentException("length " + program.length);
        this.program = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        this.length = program.length / 8;
    }

    int length() {
        return length;
    }

    /** 1 (allow) or 0 (deny) for an access (bits: 1 mknod, 2 read, 4 write) to a device (type 1 block, 2 char). */
    long run(int type, int access, int major, int minor) {
        int[] ctx = {(access << 16) | type, major, minor};
        long[] reg = new long[11];
        boolean[] set = new boolean[11];
        set[1] = true;
        int pc = 0;
        for (int steps = 0; steps <= length; steps++) {
            if (pc < 0 || pc >= length) throw new IllegalStateException("pc " + pc + " out of the program");
            int code = program.get(pc * 8) & 0xff;
            int regs = program.get(pc * 8 + 1) & 0xff;
            int dst = regs & 0xf;
            int src = regs >> 4;
            short off = program.getShort(pc * 8 + 2);
            int imm = program.getInt(pc * 8 + 4);
            pc++;
            switch (code) {
                case 0x61 -> { // ldx w [src + off], src must be the context
                    if (src != 1 || off % 4 != 0 || off < 0 || off > 8) throw new IllegalStateException("load ctx+" + off);
                    reg[dst] = Integer.toUnsignedLong(ctx[off / 4]);
                    set[dst] = true;
                }
                case 0x54 -> reg[dst] = Integer.toUnsignedLong((int) reg[dst] & imm); // and32 k
                case 0x74 -> reg[dst] = Integer.toUnsignedLong((int) reg[dst] >>> imm); // rsh32 k
                case 0xbc -> { // mov32 x
                    if (!set[src]) throw new IllegalStateException("r" + src + " read before it was set");
                    reg[dst] = reg[src] & 0xffffffffL;
                    set[dst] = true;
                }
                case 0xb7 -> { // mov64 k
                    reg[dst] = imm;
                    set[dst] = true;
                }
                case 0x15, 0x55 -> { // jeq k, jne k (64-bit compare, imm sign-extended)
                    if (off < 0) throw new IllegalStateException("backward jump");
                    boolean equal = reg[dst] == (long) imm;
                    if (equal == (code == 0x15)) pc += off;
                }
                case 0x95 -> { // exit
                    if (!set[0]) throw new IllegalStateException("exit without r0");
                    return reg[0];
                }
                default -> throw new IllegalStateException("opcode 0x" + Integer.toHexString(code));
            }
        }
        throw new IllegalStateException("no exit");
    }
}
