package dev.wasmj.libcontainer.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmj.libcontainer.rootfs.CgroupMount.Hierarchy;
import dev.wasmj.libcontainer.syscall.MountFlags;
import dev.wasmj.libcontainer.syscall.RecordingSyscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cgroup hierarchies a host has, read from /proc/self/mountinfo as the cgroup mount needs them. */
class CgroupMountTest {

    /** A systemd host in hybrid mode (Ubuntu 20.04 / Debian 10), with the options the kernel shows. */
    private static final List<String> HYBRID = List.of(
            "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
            "23 28 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw",
            "28 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
            "30 22 0:25 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
            "31 30 0:26 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate",
            "32 30 0:27 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd",
            "35 30 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct",
            "36 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory",
            "37 30 0:32 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,cpuset,clone_children",
            "38 30 0:33 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,net_cls,net_prio",
            "39 30 0:34 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,pids");

    /** /proc/self/cgroup of a process of that host, in a service's cgroup. */
    private static final List<String> HYBRID_SELF = List.of(
            "12:pids:/system.slice/containerd.service",
            "8:net_cls,net_prio:/",
            "6:cpuset:/",
            "5:memory:/system.slice/containerd.service",
            "3:cpu,cpuacct:/system.slice/containerd.service",
            "1:name=systemd:/system.slice/containerd.service",
            "0::/system.slice/containerd.service");

    /** A pure cgroup v2 host (Debian 12, Fedora). */
    private static final List<String> PURE_V2 = List.of(
            "22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw",
            "26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot",
            "27 22 0:24 / /sys/fs/pstore rw,nosuid,nodev,noexec,relatime shared:5 - pstore pstore rw");

    /** A legacy (v1-only) host (CentOS 7): no unified hierarchy, systemd's with its release agent. */
    private static final List<String> LEGACY = List.of(
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "33 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "34 31 0:31 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices",
            "35 31 0:32 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd",
            // a cgroup mounted elsewhere is not one of the host's hierarchies for the container
            "50 1 0:29 / /mnt/other-cpu rw,relatime - cgroup cgroup rw,cpu");

    @Test
    void hybridHostHasEveryV1HierarchyAndTheUnifiedOne() {
        List<Hierarchy> h = CgroupMount.hostHierarchies(HYBRID);
        assertEquals(List.of(
                new Hierarchy("cgroup2", "/sys/fs/cgroup/unified", "unified", ""),
                new Hierarchy("cgroup", "/sys/fs/cgroup/systemd", "systemd", "name=systemd"),
                new Hierarchy("cgroup", "/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct", "cpu,cpuacct"),
                new Hierarchy("cgroup", "/sys/fs/cgroup/memory", "memory", "memory"),
                new Hierarchy("cgroup", "/sys/fs/cgroup/cpuset", "cpuset", "cpuset"),
                new Hierarchy("cgroup", "/sys/fs/cgroup/net_cls,net_prio", "net_cls,net_prio", "net_cls,net_prio"),
                new Hierarchy("cgroup", "/sys/fs/cgroup/pids", "pids", "pids")), h);
    }

    /** The controllers of each hierarchy are the key of its line in /proc/self/cgroup: that is how the container's own cgroup is found. */
    @Test
    void hybridControllersMatchTheProcessCgroupKeys() {
        Map<String, String> own = CgroupMount.ownCgroups(HYBRID_SELF);
        for (Hierarchy h : CgroupMount.hostHierarchies(HYBRID)) {
            String key = h.fsType().equals("cgroup2") ? "" : h.controllers();
            assertTrue(own.containsKey(key), h + " has no line in /proc/self/cgroup " + own.keySet());
        }
        assertEquals("/system.slice/containerd.service", own.get("name=systemd"));
        assertEquals("/system.slice/containerd.service", own.get(""));
        assertEquals("/", own.get("cpuset"));
    }

    @Test
    void pureV2HostHasOneHierarchyAtTheTop() {
        List<Hierarchy> h = CgroupMount.hostHierarchies(PURE_V2);
        assertEquals(List.of(new Hierarchy("cgroup2", "/sys/fs/cgroup", "", "")), h);
    }

    @Test
    void legacyHostHasOnlyV1HierarchiesUnderSysFsCgroup() {
        List<Hierarchy> h = CgroupMount.hostHierarchies(LEGACY);
        assertEquals(List.of("cpu", "memory", "devices", "freezer", "systemd"), h.stream().map(Hierarchy::name).toList());
        assertEquals(List.of("cpu", "memory", "devices", "freezer", "name=systemd"),
                h.stream().map(Hierarchy::controllers).toList());
        assertTrue(h.stream().allMatch(x -> x.fsType().equals("cgroup")));
        assertTrue(h.stream().noneMatch(x -> x.mountPoint().startsWith("/mnt")));
    }

    @Test
    void linesThatAreNotMountinfoAreSkipped() {
        assertEquals(List.of(), CgroupMount.hostHierarchies(List.of("", "garbage", "1 2 3 - cgroup")));
    }

    @Test
    void theProcessCgroupFileParsesIntoControllersAndPaths() {
        Map<String, String> own = CgroupMount.ownCgroups(List.of("4:memory:/a/b", "0::/c", "1:name=systemd:/d:e", "junk"));
        assertEquals(Map.of("memory", "/a/b", "", "/c", "name=systemd", "/d:e"), own);
    }

    /** This machine's own files: each hierarchy it mounts must be found in this process's /proc/self/cgroup. */
    @Test
    void thisHostsHierarchiesAreFoundInThisProcessesCgroups() throws IOException {
        List<Hierarchy> h = CgroupMount.hostHierarchies(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        assumeTrue(!h.isEmpty(), "no cgroup file system under /sys/fs/cgroup");
        Map<String, String> own = CgroupMount.ownCgroups(Files.readAllLines(Path.of("/proc/self/cgroup")));
        for (Hierarchy x : h) {
            String key = x.fsType().equals("cgroup2") ? "" : x.controllers();
            assertTrue(own.containsKey(key), x + " not in /proc/self/cgroup " + own);
        }
    }

    /**
     * The mount calls on this machine, through the recording double: one tmpfs (on v1 or hybrid hosts), then per
     * hierarchy a fresh cgroup mount where this process sits at the root, else a bind of its own cgroup directory.
     */
    @Test
    void mountGivesEachHierarchyOfThisHostItsOwnCgroup(@TempDir Path tmp) throws IOException {
        List<Hierarchy> hierarchies = CgroupMount.hostHierarchies(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        assumeTrue(!hierarchies.isEmpty(), "no cgroup file system under /sys/fs/cgroup");
        Map<String, String> own = CgroupMount.ownCgroups(Files.readAllLines(Path.of("/proc/self/cgroup")));
        RecordingSyscalls sys = new RecordingSyscalls();
        Path target = tmp.resolve("sys/fs/cgroup");
        long flags = MountFlags.NOSUID | MountFlags.NODEV | MountFlags.NOEXEC | MountFlags.RELATIME | MountFlags.RDONLY;
        new CgroupMount(sys, null).mount(target, flags);

        List<String> calls = sys.calls();
        boolean pureV2 = hierarchies.size() == 1 && hierarchies.get(0).fsType().equals("cgroup2");
        int i = 0;
        if (!pureV2) {
            assertEquals("mount(tmpfs, " + target + ", tmpfs, 0x" + Long.toHexString(flags & ~MountFlags.RDONLY)
                    + ", mode=755)", calls.get(i++));
        }
        for (Hierarchy h : hierarchies) {
            Path dir = pureV2 ? target : target.resolve(h.name());
            if (!pureV2) assertTrue(Files.isDirectory(dir), dir + " was made");
            String path = own.get(h.fsType().equals("cgroup2") ? "" : h.controllers());
            if (path.equals("/")) {
                String data = h.fsType().equals("cgroup2") ? "null" : h.controllers();
                assertEquals("mount(cgroup, " + dir + ", " + h.fsType() + ", 0x" + Long.toHexString(flags) + ", " + data + ")",
                        calls.get(i++));
            } else {
                assertEquals("mount(" + h.mountPoint() + path + ", " + dir + ", null, 0x" + Long.toHexString(MountFlags.BIND)
                        + ", null)", calls.get(i++));
                assertEquals("mount(null, " + dir + ", null, 0x"
                        + Long.toHexString(MountFlags.REMOUNT | MountFlags.BIND | flags) + ", null)", calls.get(i++));
            }
        }
        if (!pureV2) {
            assertEquals("mount(null, " + target + ", null, 0x" + Long.toHexString(MountFlags.REMOUNT | flags)
                    + ", mode=755)", calls.get(i++), "the tmpfs is made read-only last");
        }
        assertEquals(calls.size(), i, "no other call: " + calls);
    }

    /**
     * A pre-started init of a hybrid host reads its plan before it is moved to the container's cgroup on the cgroup2
     * side: the plan names that cgroup, and the container's cgroup2 mount shows it, not the cgroup the init waited in
     * (removed right after the move).
     */
    @Test
    void theCgroup2CgroupOfThePlanIsTheOneShown(@TempDir Path tmp) throws IOException {
        List<Hierarchy> hierarchies = CgroupMount.hostHierarchies(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        Hierarchy v2 = hierarchies.stream().filter(h -> h.fsType().equals("cgroup2")).findFirst().orElse(null);
        assumeTrue(v2 != null, "no cgroup2 hierarchy on this host");
        RecordingSyscalls sys = new RecordingSyscalls();
        Path target = tmp.resolve("sys/fs/cgroup");
        new CgroupMount(sys, "/pods/p1/c1").mount(target, MountFlags.RDONLY);
        Path dir = hierarchies.size() == 1 ? target : target.resolve(v2.name());
        assertTrue(sys.calls().contains("mount(" + v2.mountPoint() + "/pods/p1/c1, " + dir + ", null, 0x"
                + Long.toHexString(MountFlags.BIND) + ", null)"), sys.calls().toString());
    }
}
