package dev.wasmj.shim.sandbox;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.cgroups.Cgroups;
import dev.wasmj.libcontainer.container.ProcessProbe;
import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.shim.log.ShimLog;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The process that holds a pod's namespaces under the sandbox API: {@code wasmj-pod-holder}, spawned straight
 * into them (the pod's network namespace joined by path; new uts and ipc namespaces; a new pid namespace, as
 * its pid 1, when the pod shares one) and into the pod's cgroup ({@code <cgroup_parent>/<sandbox id>}, as a
 * pause container would be). It sets the hostname and the pod's sysctls from inside, reports on fd 3, and
 * then only waits. containerd gives the pod's containers {@code /proc/<its pid>/ns/*}.
 *
 * <p>Its pid and start time are kept in the bundle ({@value #RECORD}), so that {@code delete} after a crash of
 * the shim can end it, and cannot end an unrelated process that reused the pid.
 */
public final class PodHolder {
    public static final String PROGRAM = "wasmj-pod-holder";
    static final String RECORD = "pod-holder";
    private static final int READY_MILLIS = 10_000;

    private final Syscalls sys;
    private final int pid;
    private final Optional<CgroupManager> cgroup;

    private PodHolder(Syscalls sys, int pid, Optional<CgroupManager> cgroup) {
        this.sys = sys;
        this.pid = pid;
        this.cgroup = cgroup;
    }

    public int pid() {
        return pid;
    }

    /** Spawns the holder for {@code pod} and waits until it reports its namespaces set up; records it in the bundle. */
    static PodHolder spawn(Syscalls sys, ShimLog log, String sandboxId, PodConfig pod, String netnsPath, Path bundle)
            throws IOException {
        Optional<CgroupManager> cgroup = podCgroup(log, sandboxId, pod);
        List<Integer> fds = new ArrayList<>();
        int[] status = null;
        int pid = -1;
        try {
            int flags = CloneFlags.NEWNS | (pod.ownIpc() ? CloneFlags.NEWIPC : 0); // its own mount namespace: see seal() in pod-holder.c
            if (pod.ownNetwork()) flags |= CloneFlags.NEWUTS;
            if (pod.sharedPid()) flags |= CloneFlags.NEWPID;
            // No netns path from the caller: a network of its own (loopback only), never the node's.
            if (pod.ownNetwork() && netnsPath.isEmpty()) flags |= CloneFlags.NEWNET;
            List<String> argv = new ArrayList<>(List.of(PROGRAM, pod.hostname()));
            pod.sysctls().forEach((k, v) -> argv.add(k + "=" + v));
            int devNull = track(fds, sys.open("/dev/null", OpenFlags.RDWR, 0));
            status = sys.pipe();
            SpawnRequest.Builder request = SpawnRequest.builder(program().toString()).argv(argv).env(List.of())
                    .fd(0, devNull).fd(1, devNull).fd(2, devNull).fd(3, status[1])
                    .newNamespaces(flags).newSession(true).cwd("/");
            if (pod.ownNetwork() && !netnsPath.isEmpty()) {
                request.joinNamespace(track(fds, sys.open(netnsPath, OpenFlags.RDONLY, 0)), CloneFlags.NEWNET);
            }
            if (cgroup.isPresent()) {
                for (Path procs : cgroup.get().placementFiles()) {
                    request.cgroupProcsFd(track(fds, sys.open(procs.toString(), OpenFlags.WRONLY, 0)));
                }
            }
            pid = sys.spawn(request.build());
            sys.close(status[1]);
            status[1] = -1;
            String report = readReport(sys, status[0]);
            if (!report.equals("ok")) {
                throw new IOException("the pod's namespace holder failed: "
                        + (report.isEmpty() ? "it ended before reporting" : report));
            }
            record(bundle, pid, cgroup.map(CgroupManager::path).orElse("-"), sandboxId);
            return new PodHolder(sys, pid, cgroup);
        } catch (SyscallException | IOException e) {
            // Spawned but not handed over (it failed, did not report, or could not be recorded): end and reap it
            // here, or it would stay in the pod's namespaces and cgroup with nothing to end it.
            if (pid > 0) sys.waitpidOrKill(pid, 0);
            cgroup.ifPresent(c -> destroyQuietly(c, log));
            if (e instanceof IOException io) throw io;
            throw new IOException("cannot start the pod's namespace holder: " + e.getMessage(), e);
        } finally {
            for (int fd : fds) sys.close(fd);
            if (status != null) {
                sys.close(status[0]);
                if (status[1] >= 0) sys.close(status[1]);
            }
        }
    }

    private static int track(List<Integer> fds, int fd) {
        fds.add(fd);
        return fd;
    }

    /** What the holder wrote to fd 3 before closing it: "ok" or why it failed; "" if it ended silently. */
    private static String readReport(Syscalls sys, int fd) throws IOException {
        byte[] buffer = new byte[1024];
        int length = 0;
        long deadline = System.nanoTime() + READY_MILLIS * 1_000_000L;
        while (length < buffer.length) {
            int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            if (left == 0 || sys.poll(fd, Syscalls.POLLIN, left) == 0) {
                throw new IOException("the pod's namespace holder did not report within " + READY_MILLIS / 1000 + " s");
            }
            int n = sys.read(fd, buffer, length, buffer.length - length);
            if (n <= 0) break;
            length += n;
        }
        return new String(buffer, 0, length, StandardCharsets.UTF_8).trim();
    }

    /**
     * The holder's cgroup under the pod's cgroup_parent, as the pause container's would be: it makes the pod
     * cgroup exist (CRI reads the pod's stats there) and counts the holder in the pod. A systemd slice parent
     * is not supported by this shim (as for containers); then the holder stays in the shim's cgroup.
     */
    private static Optional<CgroupManager> podCgroup(ShimLog log, String sandboxId, PodConfig pod) throws IOException {
        if (!pod.cgroupParent().startsWith("/")) {
            if (!pod.cgroupParent().isEmpty()) {
                log.warn("pod cgroup " + pod.cgroupParent() + " is not a cgroupfs path: the namespace holder stays in the shim's cgroup");
            }
            return Optional.empty();
        }
        CgroupManager cgroup = Cgroups.forContainer(pod.cgroupParent() + "/" + sandboxId, sandboxId);
        cgroup.create();
        return Optional.of(cgroup);
    }

    void kill() {
        try {
            sys.kill(pid, Signals.SIGKILL);
        } catch (SyscallException e) {
            // already gone
        }
    }

    /** After the holder is reaped: its cgroup goes (the pod's parent cgroup is the kubelet's). */
    void removeCgroup(ShimLog log) {
        cgroup.ifPresent(c -> destroyQuietly(c, log));
    }

    private static void destroyQuietly(CgroupManager cgroup, ShimLog log) {
        try {
            cgroup.destroy();
        } catch (IOException e) {
            log.warn("cannot remove the pod holder's cgroup " + cgroup.describe() + ": " + e.getMessage());
        }
    }

    /** "pid start-time cgroup-path id": what {@link #killRecorded} needs to end it and remove its cgroup. */
    private static void record(Path bundle, int pid, String cgroupPath, String sandboxId) throws IOException {
        OptionalLong start = ProcessProbe.startTime(pid);
        Files.writeString(bundle.resolve(RECORD), pid + " " + start.orElse(-1) + " " + cgroupPath + " " + sandboxId + "\n");
    }

    static void forget(Path bundle) {
        try {
            Files.deleteIfExists(bundle.resolve(RECORD));
        } catch (IOException e) {
            // containerd removes the bundle
        }
    }

    /**
     * For {@code delete} after the shim died: kills the holder the bundle records if it is still that process.
     * Returns its pid, or 0 when there was none.
     */
    public static int killRecorded(Syscalls sys, Path bundle) {
        Path record = bundle.resolve(RECORD);
        try {
            if (!Files.exists(record)) return 0;
            String[] fields = Files.readString(record).trim().split(" ");
            int pid = Integer.parseInt(fields[0]);
            long start = Long.parseLong(fields[1]);
            if (ProcessProbe.isAlive(pid, start)) sys.kill(pid, Signals.SIGKILL);
            if (fields.length >= 4 && !fields[2].equals("-")) {
                Cgroups.forContainer(fields[2], fields[3]).destroy(); // waits briefly for the killed holder to leave it
            }
            Files.deleteIfExists(record);
            return pid;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** wasmj-pod-holder beside the shim's jar (a dist's lib/), or in target/native during the build. */
    static Path program() throws IOException {
        String configured = System.getProperty("wasmj.pod.holder");
        if (configured != null) return Path.of(configured);
        Path codeSource;
        try {
            codeSource = Path.of(PodHolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        for (Path candidate : List.of(codeSource.resolveSibling(PROGRAM), codeSource.resolveSibling("native").resolve(PROGRAM))) {
            if (Files.isExecutable(candidate)) return candidate;
        }
        throw new IOException(PROGRAM + " not found beside " + codeSource);
    }
}
