package dev.wasmj.libcontainer.syscall;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Syscalls#spawn} starts: a program, cloned straight into new namespaces and cgroups.
 *
 * <p>The child is created with clone(CLONE_VM|CLONE_VFORK) from whichever thread calls, so the JVM never
 * forks and no thread has to unshare: the kernel creates the namespaces for the child alone. Before exec the
 * child writes "0" to each cgroup.procs fd (born inside the cgroups), joins namespaces by fd, unshares its
 * cgroup namespace (rooted at its new cgroup), and keeps only the fds of {@link #fdMap()}.
 *
 * <p>With a user namespace, new ({@link Builder#newUserNamespace}) or joined, the spawn takes two stages: the
 * first child joins the cgroups and namespaces as root, then enters the user namespace (the caller writes a
 * new one's id maps while it waits) and becomes its root; it makes the other new namespaces from there, so
 * that the user namespace owns them, and clones the program into the pid namespace, as the caller's child.
 */
public final class SpawnRequest {
    private final String executable;
    private final List<String> argv;
    private final List<String> env;
    private final Map<Integer, Integer> fdMap;
    private final int newNamespaces;
    private final List<int[]> joinNamespaces;
    private final int[] cgroupProcsFds;
    private final int pidNamespaceFd;
    private final boolean newCgroupNamespace;
    private final boolean newSession;
    private final boolean controllingTerminal;
    private final String cwd;
    private final Credentials credentials;
    private final int userNamespaceFd;
    private final String uidMap;
    private final String gidMap;

    private SpawnRequest(Builder b) {
        this.executable = b.executable;
        this.argv = List.copyOf(b.argv);
        this.env = List.copyOf(b.env);
        this.fdMap = Map.copyOf(b.fdMap);
        this.newNamespaces = b.newNamespaces;
        this.joinNamespaces = List.copyOf(b.joinNamespaces);
        this.cgroupProcsFds = b.cgroupProcsFds.stream().mapToInt(Integer::intValue).toArray();
        this.pidNamespaceFd = b.pidNamespaceFd;
        this.newCgroupNamespace = b.newCgroupNamespace;
        this.newSession = b.newSession;
        this.controllingTerminal = b.controllingTerminal;
        this.cwd = b.cwd;
        this.credentials = b.credentials;
        this.userNamespaceFd = b.userNamespaceFd;
        this.uidMap = b.uidMap;
        this.gidMap = b.gidMap;
    }

    /** A user namespace to join, or -1. */
    public int userNamespaceFd() {
        return userNamespaceFd;
    }

    /** A new user namespace's uid map ("inside outside count" lines), or null for none. */
    public String uidMap() {
        return uidMap;
    }

    public String gidMap() {
        return gidMap;
    }

    /** Where the child changes directory after joining namespaces, or null to stay. */
    public String cwd() {
        return cwd;
    }

    /**
     * The identity the child takes before exec, after it joined its namespaces (how a process is exec'd into a
     * running container without a JVM in between), or null to keep the caller's.
     */
    public Credentials credentials() {
        return credentials;
    }

    public static Builder builder(String executable) {
        return new Builder(executable);
    }

    public String executable() {
        return executable;
    }

    public List<String> argv() {
        return argv;
    }

    public List<String> env() {
        return env;
    }

    /** Child fd -> parent fd. Every other fd is closed in the child. */
    public Map<Integer, Integer> fdMap() {
        return fdMap;
    }

    /** CloneFlags.NEW* bits for namespaces the child gets of its own (cgroup excepted, see below). */
    public int newNamespaces() {
        return newNamespaces;
    }

    /** Pairs {fd, CloneFlags.NEW*} of existing namespaces the child joins (pid excepted). */
    public List<int[]> joinNamespaces() {
        return joinNamespaces;
    }

    public int[] cgroupProcsFds() {
        return cgroupProcsFds.clone();
    }

    /** An existing pid namespace the child is born into, or -1. */
    public int pidNamespaceFd() {
        return pidNamespaceFd;
    }

    public boolean newCgroupNamespace() {
        return newCgroupNamespace;
    }

    public boolean newSession() {
        return newSession;
    }

    /** Whether the child's fd 0, a terminal, becomes the controlling terminal of its new session (as exec -t). */
    public boolean controllingTerminal() {
        return controllingTerminal;
    }

    int[] fdMapPairs() {
        int[] pairs = new int[fdMap.size() * 2];
        int i = 0;
        for (Map.Entry<Integer, Integer> e : fdMap.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return pairs;
    }

    int closeFrom() {
        return fdMap.keySet().stream().mapToInt(Integer::intValue).max().orElse(2) + 1;
    }

    int[] joinPairs() {
        int[] pairs = new int[joinNamespaces.size() * 2];
        for (int i = 0; i < joinNamespaces.size(); i++) {
            pairs[2 * i] = joinNamespaces.get(i)[0];
            pairs[2 * i + 1] = joinNamespaces.get(i)[1];
        }
        return pairs;
    }

    public static final class Builder {
        private final String executable;
        private final List<String> argv = new ArrayList<>();
        private final List<String> env = new ArrayList<>();
        private final Map<Integer, Integer> fdMap = new LinkedHashMap<>();
        private int newNamespaces;
        private final List<int[]> joinNamespaces = new ArrayList<>();
        private final List<Integer> cgroupProcsFds = new ArrayList<>();
        private int pidNamespaceFd = -1;
        private boolean newCgroupNamespace;
        private boolean newSession;
        private boolean controllingTerminal;
        private String cwd;
        private Credentials credentials;
        private int userNamespaceFd = -1;
        private String uidMap;
        private String gidMap;

        private Builder(String executable) {
            this.executable = executable;
        }

        public Builder argv(List<String> args) {
            argv.addAll(args);
            return this;
        }

        public Builder env(List<String> vars) {
            env.addAll(vars);
            return this;
        }

        public Builder fd(int childFd, int parentFd) {
            fdMap.put(childFd, parentFd);
            return this;
        }

        public Builder newNamespaces(int cloneFlags) {
            if ((cloneFlags & CloneFlags.NEWCGROUP) != 0) {
                newCgroupNamespace = true;
                cloneFlags &= ~CloneFlags.NEWCGROUP;
            }
            newNamespaces |= cloneFlags;
            return this;
        }

        public Builder joinNamespace(int fd, int cloneFlag) {
            if (cloneFlag == CloneFlags.NEWUSER) {
                userNamespaceFd = fd;
            } else if (cloneFlag == CloneFlags.NEWPID) {
                pidNamespaceFd = fd;
            } else {
                joinNamespaces.add(new int[] {fd, cloneFlag});
            }
            return this;
        }

        /** A new user namespace with these id maps (the kernel's format: "inside outside count" lines). */
        public Builder newUserNamespace(String uidMapLines, String gidMapLines) {
            uidMap = uidMapLines;
            gidMap = gidMapLines;
            return this;
        }

        public Builder cgroupProcsFd(int fd) {
            cgroupProcsFds.add(fd);
            return this;
        }

        /** A new session whose controlling terminal is the child's fd 0 (implies {@link #newSession}). */
        public Builder controllingTerminal(boolean value) {
            controllingTerminal = value;
            if (value) newSession = true;
            return this;
        }

        public Builder newSession(boolean value) {
            newSession = value;
            return this;
        }

        public Builder cwd(String dir) {
            cwd = dir;
            return this;
        }

        public Builder credentials(Credentials value) {
            credentials = value;
            return this;
        }

        public SpawnRequest build() {
            if (argv.isEmpty()) argv.add(executable);
            return new SpawnRequest(this);
        }
    }
}
