package dev.wasmj.libcontainer.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A small classic-BPF assembler: emit instructions with symbolic jump targets ({@link Label}s), then
 * {@link #assemble()} resolves them into {@code struct sock_filter} bytes. It knows only the instructions the
 * seccomp compiler needs.
 *
 * <p>Conditional jumps in classic BPF go forward only, by at most 255 instructions (8-bit jt/jf). When a
 * target is further away, the assembler places an unconditional {@code BPF_JA} (32-bit offset) right after
 * the conditional jump and points the short branch at it. Adding those trampolines moves later code, so
 * layout is repeated until no more are needed; it only ever adds, so it ends.
 */
final class BpfProgram {
    // Opcodes, from linux/bpf_common.h: class | size | mode, class | op | source.
    static final int LD_W_ABS = 0x00 | 0x00 | 0x20; // BPF_LD | BPF_W | BPF_ABS
    static final int ALU_AND_K = 0x04 | 0x50 | 0x00; // BPF_ALU | BPF_AND | BPF_K
    static final int JMP_JA = 0x05 | 0x00; // BPF_JMP | BPF_JA
    static final int RET_K = 0x06 | 0x00; // BPF_RET | BPF_K

    /** Size of one struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
    static final int INSN_BYTES = 8;
    /** The furthest a conditional jump reaches: jt and jf are 8-bit counts of instructions to skip. */
    static final int MAX_SHORT_JUMP = 255;

    /** The conditional jumps, compared against the constant k (BPF_K). */
    enum Jump {
        JEQ(0x05 | 0x10), // BPF_JMP | BPF_JEQ | BPF_K: A == k
        JGT(0x05 | 0x20), // A > k, unsigned
        JGE(0x05 | 0x30), // A >= k, unsigned
        JSET(0x05 | 0x40); // (A & k) != 0

        final int code;

        Jump(int code) {
            this.code = code;
        }
    }

    /** A position in the program, placed once with {@link #place}; jumps to it must come before it. */
    static final class Label {
        private final String name;
        private boolean placed;
        private int position = -1;

        private Label(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private interface Item {}

    private record Statement(int code, int k) implements Item {}

    private record Always(Label target) implements Item {}

    private record Placement(Label label) implements Item {}

    private static final class Conditional implements Item {
        final Jump jump;
        final int k;
        final Label ifTrue;
        final Label ifFalse;
        boolean farTrue;
        boolean farFalse;
        int position;

        Conditional(Jump jump, int k, Label ifTrue, Label ifFalse) {
            this.jump = jump;
            this.k = k;
            this.ifTrue = ifTrue;
            this.ifFalse = ifFalse;
        }

        int slots() {
            return 1 + (farTrue ? 1 : 0) + (farFalse ? 1 : 0);
        }
    }

    private final List<Item> items = new ArrayList<>();
    private int labels;

    Label newLabel(String name) {
        return new Label(name + "#" + labels++);
    }

    /** Makes {@code label} refer to the next instruction emitted. */
    BpfProgram place(Label label) {
        if (label.placed) throw new IllegalStateException("label " + label + " placed twice");
        label.placed = true;
        items.add(new Placement(label));
        return this;
    }

    /** A = the 32-bit word at byte {@code offset} of struct seccomp_data. */
    BpfProgram load(int offset) {
        items.add(new Statement(LD_W_ABS, offset));
        return this;
    }

    /** A &= k. */
    BpfProgram and(int k) {
        items.add(new Statement(ALU_AND_K, k));
        return this;
    }

    /**
     * Goes to {@code ifTrue} if {@code A jump k} holds, else to {@code ifFalse}; a null target means the
     * instruction emitted next.
     */
    BpfProgram jump(Jump jump, int k, Label ifTrue, Label ifFalse) {
        Label next = ifTrue == null || ifFalse == null ? newLabel("next") : null;
        items.add(new Conditional(jump, k, ifTrue == null ? next : ifTrue, ifFalse == null ? next : ifFalse));
        if (next != null) place(next);
        return this;
    }

    /** Unconditional jump (32-bit offset, any distance forward). */
    BpfProgram jumpTo(Label target) {
        items.add(new Always(target));
        return this;
    }

    /** Ends the filter with this seccomp return value. */
    BpfProgram ret(int value) {
        items.add(new Statement(RET_K, value));
        return this;
    }

    /**
     * Resolves the labels and returns the {@code struct sock_filter[]} bytes, little-endian: the byte order of
     * every architecture in {@link Arch}.
     */
    byte[] assemble() {
        int length = layout();
        while (markFarJumps()) length = layout();

        ByteBuffer out = ByteBuffer.allocate(length * INSN_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int position = 0;
        for (Item item : items) {
            if (item instanceof Statement s) {
                put(out, s.code(), 0, 0, s.k());
                position++;
            } else if (item instanceof Always a) {
                put(out, JMP_JA, 0, 0, distance(position, a.target()));
                position++;
            } else if (item instanceof Conditional c) {
                int next = position + 1;
                // Trampolines, when needed, sit right after the jump: first the one for jt, then for jf.
                int jt = c.farTrue ? 0 : distance(position, c.ifTrue);
                int jf = c.farFalse ? (c.farTrue ? 1 : 0) : distance(position, c.ifFalse);
                put(out, c.jump.code, jt, jf, c.k);
                if (c.farTrue) put(out, JMP_JA, 0, 0, distance(next++, c.ifTrue));
                if (c.farFalse) put(out, JMP_JA, 0, 0, distance(next, c.ifFalse));
                position += c.slots();
            }
        }
        return out.array();
    }

    /** Assigns positions to labels and conditional jumps; returns the program length. */
    private int layout() {
        int position = 0;
        for (Item item : items) {
            if (item instanceof Placement p) {
                p.label().position = position;
            } else if (item instanceof Conditional c) {
                c.position = position;
                position += c.slots();
            } else {
                position++;
            }
        }
        return position;
    }

    /** Marks the branches that cannot reach their target with an 8-bit offset; true if any changed. */
    private boolean markFarJumps() {
        boolean changed = false;
        for (Item item : items) {
            if (item instanceof Conditional c) {
                if (!c.farTrue && distance(c.position, c.ifTrue) > MAX_SHORT_JUMP) {
                    c.farTrue = true;
                    changed = true;
                }
                if (!c.farFalse && distance(c.position, c.ifFalse) > MAX_SHORT_JUMP) {
                    c.farFalse = true;
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** The offset a jump at {@code from} encodes to reach {@code target}: instructions skipped after it. */
    private static int distance(int from, Label target) {
        if (target.position < 0) throw new IllegalStateException("label " + target + " is never placed");
        int d = target.position - (from + 1);
        if (d < 0) throw new IllegalStateException("jump back to " + target + ": classic BPF jumps go forward only");
        return d;
    }

    private static void put(ByteBuffer out, int code, int jt, int jf, int k) {
        out.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
