package dev.wasmj.libcontainer.process;

import dev.wasmj.libcontainer.syscall.CloneFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a spawn decides for an init JVM and nothing after it can change: the JVM's command line, the namespaces
 * it is born in or joins, the fd slots it keeps, and the parent of its cgroup. A pre-started init serves a
 * container only when the container's profile is the one it was started with ({@link InitPool}).
 *
 * @param command the JVM's command line (options, class path, main class and its flags)
 * @param executor the {@link dev.wasmj.libcontainer.workload.Executor} it warms up while it waits
 * @param newNamespaces the CloneFlags.NEW* of the namespaces it creates
 * @param joined the existing namespaces it joins (a pod's), ordered by type
 * @param joinedAtClaim the CloneFlags.NEW* of the namespaces its main thread joins at its claim (a sandbox's network:
 *     {@link #forSandboxes}); 0 for all other inits
 * @param preservedFds how many preserved fds it carries (slots from {@link InitFds#FIRST_PRESERVED})
 * @param cgroupParent the parent of its cgroup, where a pre-started one waits in a cgroup of its own
 */
public record LaunchProfile(List<String> command, String executor, int newNamespaces, List<JoinedNamespace> joined,
        int joinedAtClaim, int preservedFds, String cgroupParent) {
    /**
     * The namespaces a pod's containers share with its sandbox: joined by setns, which the kernel allows a spawn
     * to do for these (and a pre-started init keeps from its spawn, as any init).
     */
    public static final int POD_SHARED = CloneFlags.NEWNET | CloneFlags.NEWIPC | CloneFlags.NEWUTS;

    /** Names of the nsfs files of the POD_SHARED types, by clone flag. */
    private static final Map<Integer, String> NS_FILES =
            Map.of(CloneFlags.NEWNET, "net", CloneFlags.NEWIPC, "ipc", CloneFlags.NEWUTS, "uts");

    /**
     * An existing namespace: its type, a path to open it by, and what it is ({@code dev:inode} of its nsfs file).
     * Two are equal when they are the same namespace, whichever path names it (a pod's network namespace is
     * containerd's netns file for the sandbox and /proc/&lt;pid&gt;/ns/net for its containers).
     */
    public record JoinedNamespace(int cloneFlag, String path, String identity) {
        @Override
        public boolean equals(Object o) {
            return o instanceof JoinedNamespace other && other.cloneFlag == cloneFlag && other.identity.equals(identity);
        }

        @Override
        public int hashCode() {
            return Objects.hash(cloneFlag, identity);
        }

        /** The namespace the path names now, or empty when it cannot be told (gone, or not a namespace file). */
        public static Optional<JoinedNamespace> at(int cloneFlag, String path) {
            try {
                Map<String, Object> attrs = Files.readAttributes(Path.of(path), "unix:dev,ino");
                return Optional.of(new JoinedNamespace(cloneFlag, path, attrs.get("dev") + ":" + attrs.get("ino")));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    public LaunchProfile {
        command = List.copyOf(command);
        joined = joined.stream().sorted(Comparator.comparingInt(JoinedNamespace::cloneFlag)).toList();
    }

    /**
     * The profile of a launch, when an init started before the container could serve it: not when it creates a
     * user namespace (its maps are the container's), joins a namespace other than a pod's shared ones (another
     * container's mounts or processes), has no mount namespace of its own (a waiting init changes its own mounts'
     * propagation), or has its cgroup right below the root (a waiting init would be charged to no one).
     */
    static Optional<LaunchProfile> of(LaunchOptions options, List<String> command, String executor, String cgroupPath) {
        if (options.uidMap != null || options.gidMap != null) return Optional.empty();
        if ((options.newNamespaces & CloneFlags.NEWNS) == 0) return Optional.empty();
        List<JoinedNamespace> joined = new ArrayList<>();
        for (LaunchOptions.JoinedNamespace ns : options.joined) {
            if ((ns.cloneFlag() & ~POD_SHARED) != 0) return Optional.empty();
            Optional<JoinedNamespace> known = JoinedNamespace.at(ns.cloneFlag(), ns.path());
            if (known.isEmpty()) return Optional.empty(); // its create fails with the reason
            joined.add(known.get());
        }
        int slash = cgroupPath.lastIndexOf('/');
        if (slash <= 0) return Optional.empty();
        String parent = cgroupPath.substring(0, slash);
        return Optional.of(new LaunchProfile(command, executor, options.newNamespaces, joined, 0, options.preservedFds.size(), parent));
    }

    /**
     * The profile of an init started ahead for any pod's sandbox (pause) container like this one, or empty. Its spawn
     * cannot know the next pod: it is born in an empty network namespace of its own, its main thread joins the pod's
     * at its claim ({@link PrestartedInit#handOver}), and it waits in a cgroup beside the pods' cgroups (below the
     * parent of this sandbox's pod), to be moved into the sandbox's at its claim. Both are only right for a program
     * exec'd from that thread, which the caller checks: the JVM's other threads, and what it was charged before its
     * claim, go at the execve. So: the sandbox joins a network namespace by path and no other namespace, creates no
     * user or cgroup namespace (a cgroup namespace made at the spawn would have the waiting cgroup as its root), and
     * carries no preserved fds.
     */
    static Optional<LaunchProfile> forSandboxes(LaunchOptions options, List<String> command, String executor, String cgroupPath) {
        if (options.uidMap != null || options.gidMap != null || !options.preservedFds.isEmpty()) return Optional.empty();
        if (options.joined.size() != 1 || options.joined.get(0).cloneFlag() != CloneFlags.NEWNET) return Optional.empty();
        if ((options.newNamespaces & (CloneFlags.NEWCGROUP | CloneFlags.NEWNET | CloneFlags.NEWUSER)) != 0) return Optional.empty();
        if ((options.newNamespaces & CloneFlags.NEWNS) == 0) return Optional.empty();
        int pod = cgroupPath.lastIndexOf('/');
        int podsParent = pod <= 0 ? -1 : cgroupPath.lastIndexOf('/', pod - 1);
        if (podsParent <= 0) return Optional.empty(); // not at the root, charged to no one
        String parent = cgroupPath.substring(0, podsParent);
        return Optional.of(new LaunchProfile(command, executor, options.newNamespaces | CloneFlags.NEWNET, List.of(),
                CloneFlags.NEWNET, 0, parent));
    }

    /** The path of the network namespace a launch joins (a sandbox's, by {@link #forSandboxes}), or null. */
    static String networkPath(LaunchOptions options) {
        return options.joined.stream().filter(ns -> ns.cloneFlag() == CloneFlags.NEWNET).map(LaunchOptions.JoinedNamespace::path)
                .findFirst().orElse(null);
    }

    /**
     * The profile a pod's containers will most likely have, from its sandbox's (whose init is {@code sandboxPid}):
     * they join the sandbox's network, IPC and UTS namespaces, get the others new as it did, carry no preserved
     * fds, and have their cgroups beside its own in the pod's. Empty when the sandbox has none of those namespaces
     * to share, or they cannot be told.
     */
    public Optional<LaunchProfile> forPodMembers(int sandboxPid) {
        int shared = (newNamespaces & POD_SHARED);
        for (JoinedNamespace ns : joined) shared |= ns.cloneFlag();
        if (shared == 0) return Optional.empty();
        List<JoinedNamespace> members = new ArrayList<>();
        for (JoinedNamespace ns : joined) {
            if ((ns.cloneFlag() & POD_SHARED) != 0) members.add(ns); // the sandbox's own path: /proc/<pid> may not show it yet
        }
        for (Map.Entry<Integer, String> type : NS_FILES.entrySet()) {
            if ((newNamespaces & type.getKey()) == 0) continue;
            Optional<JoinedNamespace> ns = JoinedNamespace.at(type.getKey(), "/proc/" + sandboxPid + "/ns/" + type.getValue());
            if (ns.isEmpty()) return Optional.empty();
            members.add(ns.get());
        }
        return Optional.of(new LaunchProfile(command, executor, newNamespaces & ~POD_SHARED, members, 0, 0, cgroupParent));
    }

    /** Whether it joins any of these namespaces (those of a pod). */
    public boolean joinsAnyOf(List<JoinedNamespace> namespaces) {
        return joined.stream().anyMatch(namespaces::contains);
    }
}
