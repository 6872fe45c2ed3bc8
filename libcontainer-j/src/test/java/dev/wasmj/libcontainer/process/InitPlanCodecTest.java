package dev.wasmj.libcontainer.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wasmj.libcontainer.process.InitPlan.DeviceEntry;
import dev.wasmj.libcontainer.process.InitPlan.HookEntry;
import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.process.InitPlan.Rlimit;
import dev.wasmj.libcontainer.syscall.MountFlags;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitPlanCodecTest {

    private static String repeat(String unit, int atLeastBytes) {
        return unit.repeat(atLeastBytes / unit.length() + 1);
    }

    /** Every field set, with strings past writeUTF's 64 KiB limit where the spec allows them. */
    private static InitPlan fullPlan() {
        String longEnv = "BIG=" + repeat("0123456789", 70_000);
        String longArg = repeat("ä€𝄞", 70_000); // multi-byte UTF-8, more than 64 KiB of bytes
        Map<String, String> sysctl = new LinkedHashMap<>();
        sysctl.put("net.ipv4.ip_forward", "1");
        sysctl.put("kernel.msgmax", "65536");
        ProcessPlan process = new ProcessPlan(
                List.of("/bin/app", "--flag", longArg, ""),
                List.of("PATH=/usr/bin:/bin", longEnv, "EMPTY="),
                "/work/dir",
                1000,
                1001,
                new int[] {10, 20, 65534},
                022,
                List.of(new Rlimit(7, 1024, 4096), new Rlimit(4, 0, -1L)),
                true,
                -500,
                new long[] {0x1fffffffffL, 1L << 21, (1L << 21) | 1, 0, 1L << 40},
                true,
                24,
                80,
                new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f},
                4,
                List.of("futex", "clone"));
        return new InitPlan(
                "my-container.1",
                "/var/lib/bundles/x/rootfs",
                true,
                MountFlags.SLAVE | MountFlags.REC,
                true,
                false,
                "/proc/4242/ns/mnt",
                List.of(
                        new MountEntry("/proc", "proc", "proc", MountFlags.NOSUID | MountFlags.NOEXEC, 0, null),
                        new MountEntry("/data", null, "/host/data", MountFlags.BIND | MountFlags.REC,
                                MountFlags.PRIVATE | MountFlags.REC, null),
                        new MountEntry("/dev", "tmpfs", "tmpfs", MountFlags.NOSUID, 0, "mode=755,size=" + repeat("9", 70_000))),
                List.of(
                        new DeviceEntry("/dev/null", 'c', 1, 3, 0666, 0, 0),
                        new DeviceEntry("/dev/sda", 'b', 8, 0, 0660, 0, 6),
                        new DeviceEntry("/dev/fifo", 'p', 0, 0, 0600, 1000, 1000)),
                "host-" + repeat("h", 70_000),
                null,
                sysctl,
                List.of("/proc/kcore", "/sys/firmware"),
                List.of("/proc/sys", "/proc/sysrq-trigger"),
                process,
                true,
                List.of(new HookEntry("/usr/bin/hook", List.of("hook", "create", longArg), List.of("A=1"), 5)),
                List.of(new HookEntry("/usr/bin/start", List.of(), List.of(), 0)),
                2,
                "dev.wasmj.engine.WasmExecutor",
                "/pods/p1/c1");
    }

    private static byte[] encode(InitPlan plan) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InitPlanCodec.write(plan, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static InitPlan decode(byte[] bytes) throws IOException {
        return InitPlanCodec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void aFullPlanSurvivesTheRoundTrip() throws IOException {
        InitPlan sent = fullPlan();
        InitPlan got = decode(encode(sent));

        assertEquals(sent.containerId(), got.containerId());
        assertEquals(sent.rootfs(), got.rootfs());
        assertEquals(sent.readonlyRoot(), got.readonlyRoot());
        assertEquals(sent.rootPropagation(), got.rootPropagation());
        assertEquals(sent.newMountNamespace(), got.newMountNamespace());
        assertEquals(sent.newUtsNamespace(), got.newUtsNamespace());
        assertEquals(sent.joinMountNamespace(), got.joinMountNamespace());
        assertEquals(sent.mounts(), got.mounts());
        assertEquals(sent.devices(), got.devices());
        assertEquals(sent.hostname(), got.hostname());
        assertNull(got.domainname());
        assertEquals(sent.sysctl(), got.sysctl());
        assertEquals(List.copyOf(sent.sysctl().keySet()), List.copyOf(got.sysctl().keySet()), "sysctl order is kept");
        assertEquals(sent.maskedPaths(), got.maskedPaths());
        assertEquals(sent.readonlyPaths(), got.readonlyPaths());
        assertEquals(sent.hasCreateRuntimeHooks(), got.hasCreateRuntimeHooks());
        assertEquals(sent.createContainerHooks(), got.createContainerHooks());
        assertEquals(sent.startContainerHooks(), got.startContainerHooks());
        assertEquals(sent.preservedFds(), got.preservedFds());
        assertEquals(sent.executor(), got.executor());
        assertEquals(sent.cgroup2Path(), got.cgroup2Path());

        ProcessPlan p = sent.process();
        ProcessPlan q = got.process();
        assertEquals(p.args(), q.args());
        assertEquals(p.env(), q.env());
        assertEquals(p.cwd(), q.cwd());
        assertEquals(p.uid(), q.uid());
        assertEquals(p.gid(), q.gid());
        assertArrayEquals(p.additionalGids(), q.additionalGids());
        assertEquals(p.umask(), q.umask());
        assertEquals(p.rlimits(), q.rlimits());
        assertEquals(p.noNewPrivileges(), q.noNewPrivileges());
        assertEquals(p.oomScoreAdj(), q.oomScoreAdj());
        assertArrayEquals(p.capabilities(), q.capabilities());
        assertEquals(p.terminal(), q.terminal());
        assertEquals(p.consoleRows(), q.consoleRows());
        assertEquals(p.consoleColumns(), q.consoleColumns());
        assertArrayEquals(p.seccompFilter(), q.seccompFilter());
        assertEquals(p.seccompFlags(), q.seccompFlags());
    }

    @Test
    void stringsLongerThan64KiBArriveWhole() throws IOException {
        InitPlan sent = fullPlan();
        InitPlan got = decode(encode(sent));
        String longEnv = sent.process().env().get(1);
        assertTrue(longEnv.length() > 65_535);
        assertEquals(longEnv, got.process().env().get(1));
        String longArg = sent.process().args().get(2);
        assertTrue(longArg.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65_535);
        assertEquals(longArg, got.process().args().get(2));
        assertEquals(sent.mounts().get(2).data(), got.mounts().get(2).data());
        assertEquals(sent.hostname(), got.hostname());
        assertEquals(sent.createContainerHooks().get(0).args(), got.createContainerHooks().get(0).args());
    }

    @Test
    void nullsAndEmptiesStayWhatTheyWere() throws IOException {
        ProcessPlan process = new ProcessPlan(List.of("sh"), List.of(), "/", 0, 0, new int[0], -1, List.of(), false,
                null, null, false, 0, 0, null, 0, List.of());
        InitPlan sent = new InitPlan("c", "/r", false, 0, false, false, null,
                List.of(new MountEntry("/x", null, null, 0, 0, null)), List.of(), null, null, Map.of(), List.of(),
                List.of(), process, false, List.of(), List.of(), 0, "native", null);
        InitPlan got = decode(encode(sent));
        MountEntry m = got.mounts().get(0);
        assertNull(m.type());
        assertNull(m.source());
        assertNull(m.data());
        assertNull(got.hostname());
        assertNull(got.joinMountNamespace());
        assertNull(got.domainname());
        assertNull(got.cgroup2Path());
        assertNull(got.process().oomScoreAdj(), "an absent oom_score_adj is not 0");
        assertNull(got.process().capabilities(), "absent capabilities (keep all) are not an empty set");
        assertEquals(0, got.process().additionalGids().length);
        assertEquals(-1, got.process().umask());
        assertTrue(got.sysctl().isEmpty());
        assertTrue(got.devices().isEmpty());
        assertEquals(List.of("sh"), got.process().args());
    }

    @Test
    void zeroOomScoreAdjAndEmptyCapabilitiesAreKept() throws IOException {
        ProcessPlan process = new ProcessPlan(List.of("sh"), List.of(), "/", 0, 0, new int[0], 0, List.of(), false,
                0, new long[5], false, 0, 0, null, 0, List.of());
        InitPlan sent = new InitPlan("c", "/r", false, 0, true, true, null, List.of(), List.of(), "h", "d", Map.of(),
                List.of(), List.of(), process, false, List.of(), List.of(), 0, "native", null);
        InitPlan got = decode(encode(sent));
        assertEquals(Integer.valueOf(0), got.process().oomScoreAdj());
        assertArrayEquals(new long[5], got.process().capabilities());
        assertEquals("d", got.domainname());
    }

    @Test
    void badMagicIsAClearError() throws IOException {
        byte[] bytes = encode(fullPlan());
        bytes[0] ^= 0x55;
        IOException e = assertThrows(IOException.class, () -> decode(bytes));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        assertTrue(e.getMessage().contains("different builds"), e.getMessage());
    }

    @Test
    void somethingThatIsNotAPlanIsRefusedByItsMagic() {
        byte[] json = "{\"ociVersion\":\"1.2.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> decode(json));
        assertTrue(e.getMessage().startsWith("init plan: bad magic"), e.getMessage());
    }

    @Test
    void aTruncatedPlanIsAnEndOfStreamNotAHalfPlan() throws IOException {
        byte[] bytes = encode(fullPlan());
        for (int cut : new int[] {0, 3, 4, 100, bytes.length / 2, bytes.length - 1}) {
            byte[] part = Arrays.copyOf(bytes, cut);
            assertThrows(EOFException.class, () -> decode(part), "cut at " + cut);
        }
    }

    @Test
    void theSyncChannelCarriesThePlanAndThenMessages() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SyncChannel runtime = new SyncChannel(new ByteArrayInputStream(new byte[0]), wire);
        runtime.sendPlan(fullPlan());
        runtime.send(SyncChannel.Type.HOOKS_FAILED, "hook createRuntime[0] /bin/false: exited with 1");
        SyncChannel init = new SyncChannel(new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream());
        assertEquals(fullPlan().process().env(), init.receivePlan().process().env());
        SyncChannel.Message m = init.receive();
        assertEquals(SyncChannel.Type.HOOKS_FAILED, m.type());
        assertEquals("hook createRuntime[0] /bin/false: exited with 1", m.text());
        assertNull(init.receive(), "end of stream: the other side is gone");
    }

    @Test
    void aVeryLongMessageIsCutNotLost() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String huge = repeat("x", 100_000);
        new SyncChannel(new ByteArrayInputStream(new byte[0]), wire).send(SyncChannel.Type.ERROR, huge);
        SyncChannel.Message m = new SyncChannel(new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream())
                .receive();
        assertEquals(SyncChannel.Type.ERROR, m.type());
        assertTrue(m.text().startsWith("xxxx") && m.text().endsWith("..."), "cut with an ellipsis");
        assertTrue(m.text().length() < huge.length());
    }

    @Test
    void anUnknownMessageTypeIsAnError() {
        byte[] wire = {(byte) 200, 0, 0};
        SyncChannel c = new SyncChannel(new ByteArrayInputStream(wire), new ByteArrayOutputStream());
        IOException e = assertThrows(IOException.class, c::receive);
        assertTrue(e.getMessage().contains("unknown message type 200"), e.getMessage());
    }
}
