package dev.wasmj.libcontainer.process;

import java.util.List;
import java.util.Optional;

/**
 * What a spawn decides for an init JVM and nothing after it can change: the JVM's command line, the namespaces
 * it is born in, the fd slots it keeps, and the parent of its cgroup. A pre-started init serves a container only
 * when the container's profile is the one it was started with ({@link InitPool}).
 *
 * @param command the JVM's command line (options, class path, main class and its flags)
 * @param executor the {@link dev.wasmj.libcontainer.workload.Executor} it warms up while it waits
 * @param newNamespaces the CloneFlags.NEW* of the namespaces it creates
 * @param preservedFds how many preserved fds it carries (slots from {@link InitFds#FIRST_PRESERVED})
 * @param cgroupParent the parent of its cgroup, where a pre-started one waits in a cgroup of its own
 */
public record LaunchProfile(List<String> command, String executor, int newNamespaces, int preservedFds, String cgroupParent) {
    public LaunchProfile {
        command = List.copyOf(command);
    }

    /**
     * The profile of a launch, when an init started before the container could serve it: not when it creates a
     * user namespace (its maps are the container's) or joins existing namespaces (a pod's; not pooled yet).
     */
    static Optional<LaunchProfile> of(LaunchOptions options, List<String> command, String executor, String cgroupPath) {
        if (options.uidMap != null || options.gidMap != null || !options.joined.isEmpty()) return Optional.empty();
        int slash = cgroupPath.lastIndexOf('/');
        if (slash < 0) return Optional.empty();
        String parent = slash == 0 ? "/" : cgroupPath.substring(0, slash);
        return Optional.of(new LaunchProfile(command, executor, options.newNamespaces, options.preservedFds.size(), parent));
    }
}
