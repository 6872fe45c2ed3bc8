package dev.wasmj.libcontainer.process;

import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.Signals;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An init JVM started before its container ({@link InitLauncher#prestart}): booted, its classes loaded, blocked on
 * its sync socket in its own new namespaces and in a cgroup of its own beside where the container's will be
 * (the runtime's side keeps that cgroup: container.InitPool). A
 * claim sends it the container's fds in one message; the plan follows as for any init.
 */
public final class PrestartedInit {
    private final Syscalls sys;
    private final int pid;
    private final int syncFd;
    private final LaunchProfile profile;
    private final long bornNanos = System.nanoTime();

    PrestartedInit(Syscalls sys, int pid, int syncFd, LaunchProfile profile) {
        this.sys = sys;
        this.pid = pid;
        this.syncFd = syncFd;
        this.profile = profile;
    }

    public int pid() {
        return pid;
    }

    public LaunchProfile profile() {
        return profile;
    }

    /** How long it has been waiting. */
    public long ageMillis() {
        return (System.nanoTime() - bornNanos) / 1_000_000;
    }

    /** Alive and waiting: it never writes before its claim, so anything to read on its socket is its end (EOF). */
    public boolean waiting() {
        try {
            return sys.poll(syncFd, Syscalls.POLLIN, 0) == 0;
        } catch (SyscallException e) {
            return false;
        }
    }

    /**
     * The paths, of those a container's set-up needs, that it does not see as we do, each with why (in the order
     * given; empty when it sees them all): a mount made after it was born in a mount namespace that does not pass
     * mounts on to its (a private one) is not in its view. Each path is compared by device and inode, seen through
     * its root, and so are the mount points below it (an rbind takes those too); the two mountinfo files are read
     * once for all of them.
     */
    public Map<Path, String> unseen(List<Path> paths) {
        Map<Path, String> unseen = new java.util.LinkedHashMap<>();
        List<String> ours = null;
        List<String> its = null;
        for (Path path : paths) {
            Path abs = path.toAbsolutePath().normalize();
            Object ourIdentity = identity(abs);
            if (ourIdentity == null) continue; // missing here too: the set-up reports that as it would anyway
            if (!ourIdentity.equals(identity(Path.of("/proc/" + pid + "/root" + abs)))) {
                unseen.put(path, abs + " is not what the pre-started init (pid " + pid + ") sees there");
                continue;
            }
            if (ours == null) {
                ours = mountPoints(Path.of("/proc/self/mountinfo"));
                its = mountPoints(Path.of("/proc/" + pid + "/mountinfo"));
            }
            String below = abs.toString().endsWith("/") ? abs.toString() : abs + "/";
            List<String> ourBelow = ours.stream().filter(m -> m.startsWith(below)).sorted().toList();
            List<String> itsBelow = its.stream().filter(m -> m.startsWith(below)).sorted().toList();
            if (!ourBelow.equals(itsBelow)) unseen.put(path, "the mounts below " + abs + " are not what the pre-started init (pid " + pid + ") sees");
        }
        return unseen;
    }

    /** Whether the path is a mount point in this process's mount namespace (so a copy of its mount can be sent). */
    public static boolean isMountPointHere(Path path) {
        return mountPoints(Path.of("/proc/self/mountinfo")).contains(path.toAbsolutePath().normalize().toString());
    }

    /** The mount points of a mountinfo file (its fifth field; octal escapes left as they are on both sides). */
    private static List<String> mountPoints(Path mountinfo) {
        try {
            return Files.readAllLines(mountinfo).stream().map(l -> l.split(" ")).filter(f -> f.length > 4).map(f -> f[4]).toList();
        } catch (IOException | RuntimeException e) {
            return List.of("unreadable: " + e.getMessage()); // compared with ours, it differs wherever it matters
        }
    }

    private static Object identity(Path path) {
        try {
            return List.of(Files.getAttribute(path, "unix:dev"), Files.getAttribute(path, "unix:ino"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The nice value of the calling thread, which a fresh init it spawned would inherit (/proc's stat, field 19). */
    static int ownNiceness() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /** How long a claimed init may take to acknowledge its fds (it puts them in place, perhaps attaches a mount). */
    static final int CLAIM_ACK_MILLIS = 5000;

    /**
     * Gives it the container's fds (log, stdio, start fifos, console socket, preserved fds) in one message: it puts
     * them in their slots ({@link InitFds}), acknowledges, and reads its plan next, which the caller sends on the
     * returned process. Throws, with nothing of the container done, when it does not acknowledge.
     * For each of {@code mounts}, a copy of the mounts there goes with them and it attaches that copy at the same path
     * in its own mount namespace: the rootfs, or a bind source, mounted after it was born, in a mount namespace whose
     * mounts do not reach its (a private /, as on this project's test machines). An init started for any pod's
     * sandbox ({@link LaunchProfile#forSandboxes}) gets the sandbox's network namespace too, which its main thread joins.
     */
    public InitProcess handOver(LaunchOptions options, List<Path> mounts) throws IOException {
        String network = (profile.joinedAtClaim() & CloneFlags.NEWNET) != 0 ? LaunchProfile.networkPath(options) : null;
        if ((profile.joinedAtClaim() & CloneFlags.NEWNET) != 0 && network == null) {
            throw new IOException("the pre-started init joins a network namespace at its claim, and the container has none to join");
        }
        if (options.preservedFds.size() != profile.preservedFds()) {
            throw new IOException("the pre-started init has " + profile.preservedFds() + " preserved fd slots, not "
                    + options.preservedFds.size());
        }
        // It waited at the lowest priority (InitLauncher.prestart): from now it is the container's, at the priority
        // a fresh init would have had (this server's), every thread of it (it leads its own process group).
        try {
            sys.setGroupPriority(pid, ownNiceness());
        } catch (SyscallException e) {
            throw new IOException("cannot give the pre-started init its priority back: " + e.getMessage(), e);
        }
        Map<Integer, Integer> fds = new TreeMap<>();
        fds.put(1, options.logFd);
        fds.put(InitFds.LOG, options.logFd);
        fds.put(InitFds.CONTAINER_STDIN, options.stdin);
        fds.put(InitFds.CONTAINER_STDOUT, options.stdout);
        fds.put(InitFds.CONTAINER_STDERR, options.stderr);
        List<Integer> toClose = new ArrayList<>();
        try {
            fds.putAll(new InitLauncher(sys).startFds(options, toClose));
            List<Integer> slots = new ArrayList<>(fds.keySet());
            List<Integer> sent = new ArrayList<>(fds.values());
            if (network != null) {
                int ns = sys.open(network, OpenFlags.RDONLY, 0);
                toClose.add(ns);
                sent.add(ns);
            }
            for (Path mount : mounts) {
                int tree = sys.openTreeClone(mount.toString());
                toClose.add(tree);
                sent.add(tree);
            }
            String payload;
            try {
                payload = ClaimMessage.format(slots, network != null, mounts.stream().map(Path::toString).toList());
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 4096) throw new IOException("the mount paths are too long for a claim: " + mounts);
            sys.sendFds(syncFd, sent.stream().mapToInt(Integer::intValue).toArray(), bytes);
        } catch (SyscallException e) {
            throw new IOException("the pre-started init (pid " + pid + ") did not take its fds: " + e.getMessage(), e);
        } finally {
            for (int fd : toClose) sys.close(fd);
        }
        InitProcess init = new InitProcess(sys, pid, syncFd, SyncChannel.over(sys, syncFd));
        if (sys.poll(syncFd, Syscalls.POLLIN, CLAIM_ACK_MILLIS) == 0) {
            throw new IOException("the pre-started init (pid " + pid + ") did not take its claim within " + CLAIM_ACK_MILLIS + " ms");
        }
        SyncChannel.Message ack = init.channel().receive();
        if (ack == null || ack.type() != SyncChannel.Type.CLAIMED) {
            throw new IOException("the pre-started init (pid " + pid + ") did not take its claim: "
                    + (ack == null ? "it exited" : ack.type() + " " + ack.text()));
        }
        return init;
    }

    /** Ends it unclaimed: SIGKILL, reaped (it is our child), its socket closed. Its cgroup is the caller's. */
    public void discard() {
        try {
            sys.kill(pid, Signals.SIGKILL);
        } catch (SyscallException ignored) {
            // gone already
        }
        try {
            sys.waitpid(pid, 0);
        } catch (SyscallException ignored) {
            // reaped already
        }
        try {
            sys.close(syncFd);
        } catch (SyscallException ignored) {
            // closed already
        }
    }
}
