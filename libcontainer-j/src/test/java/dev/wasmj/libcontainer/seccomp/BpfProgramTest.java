package dev.wasmj.libcontainer.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.seccomp.BpfProgram.Jump;
import dev.wasmj.libcontainer.seccomp.BpfProgram.Label;
import org.junit.jupiter.api.Test;

class BpfProgramTest {
    @Test
    void encodesStructSockFilterLittleEndian() {
        BpfProgram p = new BpfProgram();
        Label yes = p.newLabel("yes");
        p.load(4).jump(Jump.JEQ, 0xC000003E, yes, null).ret(0).place(yes).ret(0x7fff0000);
        byte[] b = p.assemble();
        assertEquals(4 * 8, b.length);
        // ld [4]: code 0x0020, jt 0, jf 0, k 4
        assertEquals("20 00 00 00 04 00 00 00", hex(b, 0));
        // jeq #0xc000003e jt +1 jf +0: code 0x0015
        assertEquals("15 00 01 00 3e 00 00 c0", hex(b, 1));
        assertEquals("06 00 00 00 00 00 00 00", hex(b, 2));
        assertEquals("06 00 00 00 00 00 ff 7f", hex(b, 3));
    }

    @Test
    void farTargetsGetTrampolines() {
        for (int filler : new int[] {253, 254, 255, 256, 300, 1000}) {
            BpfProgram p = new BpfProgram();
            Label far = p.newLabel("far");
            Label alsoFar = p.newLabel("alsoFar");
            p.load(0).jump(Jump.JEQ, 7, far, null).jump(Jump.JGT, 7, alsoFar, far);
            for (int i = 0; i < filler; i++) p.and(0xffffffff);
            p.ret(1).place(far).ret(2).place(alsoFar).ret(3);
            BpfInterpreter f = new BpfInterpreter(p.assemble());
            assertEquals(2, f.run(7, 0), "filler " + filler);
            assertEquals(3, f.run(8, 0), "filler " + filler);
            assertEquals(2, f.run(6, 0), "filler " + filler);
            int trampolines = f.length() - (filler + 6);
            assertEquals(filler + 2 > 255 ? 3 : 0, trampolines, "filler " + filler + "\n" + f.dump());
        }
    }

    @Test
    void trampolinesThatPushOtherJumpsOutOfReachAreHandled() {
        // 200 jumps to one far label: each trampoline added moves the label further from the others.
        BpfProgram p = new BpfProgram();
        Label end = p.newLabel("end");
        p.load(0);
        for (int i = 0; i < 200; i++) p.jump(Jump.JEQ, i, end, null);
        for (int i = 0; i < 100; i++) p.and(0xffffffff);
        p.ret(1).place(end).ret(2);
        BpfInterpreter f = new BpfInterpreter(p.assemble());
        for (int i = 0; i < 200; i++) assertEquals(2, f.run(i, 0));
        assertEquals(1, f.run(200, 0));
        assertTrue(f.length() > 303);
    }

    @Test
    void misuseIsCaught() {
        BpfProgram p = new BpfProgram();
        Label l = p.newLabel("l");
        p.place(l).ret(0);
        assertThrows(IllegalStateException.class, () -> p.place(l));
        p.jumpTo(l);
        assertThrows(IllegalStateException.class, p::assemble, "backward jump");

        BpfProgram q = new BpfProgram();
        q.jumpTo(q.newLabel("nowhere")).ret(0);
        assertThrows(IllegalStateException.class, q::assemble);
    }

    private static String hex(byte[] b, int insn) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i > 0) sb.append(' ');
            sb.append(String.format("%02x", b[insn * 8 + i] & 0xff));
        }
        return sb.toString();
    }
}
