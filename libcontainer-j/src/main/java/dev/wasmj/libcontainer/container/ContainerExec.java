package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.cgroups.CgroupManager;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.Credentials;
import dev.wasmj.libcontainer.syscall.Errno;
import dev.wasmj.libcontainer.syscall.OpenFlags;
import dev.wasmj.libcontainer.syscall.SpawnRequest;
import dev.wasmj.libcontainer.syscall.SyscallException;
import dev.wasmj.libcontainer.syscall.Syscalls;
import dev.wasmj.oci.runtime.ConsoleSize;
import dev.wasmj.oci.runtime.Process;
import dev.wasmj.oci.runtime.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The exec step ({@code runc exec}): a second process in a running container. No JVM is involved: the
 * native spawn clones a child that joins the container's cgroups and namespaces (the mount namespace too,
 * which a multithreaded JVM cannot join but a fresh clone child can), changes to the process's cwd, takes
 * its identity (uid/gid/groups, capabilities, no_new_privs, the container's seccomp filter) and execs the
 * program. The caller is its parent and reaps it.
 */
final class ContainerExec {
    /** Joined in this order; the mount namespace last, since it changes what paths mean. */
    private static final Map<String, Integer> NAMESPACES = orderedNamespaces();

    private final Syscalls sys;

    ContainerExec(Syscalls sys) {
        this.sys = sys;
    }

    int exec(ContainerState state, CgroupManager cgroups, Process process, int stdin, int stdout, int stderr)
            throws ContainerException {
        if (process != null && Boolean.TRUE.equals(process.getTerminal())) {
            throw new ContainerException("exec in " + state.id() + ": process.terminal is true: exec it on a terminal");
        }
        return spawn(state, cgroups, process, stdin, stdout, stderr, false);
    }

    /**
     * exec on a terminal ({@code exec -t}): a pty from the container's own devpts instance (its /dev/pts/ptmx, seen
     * through the init's root), whose slave is the process's stdio and controlling terminal (a new session); the
     * master is the caller's, sized as process.consoleSize says.
     */
    TerminalProcess execOnTerminal(ContainerState state, CgroupManager cgroups, Process process) throws ContainerException {
        int[] pty;
        try {
            // The container's root is the container's to shape (a chroot, symlinks, its own mounts): the pty is
            // opened inside it only, checked to be a devpts ptmx, and the slave comes from the master.
            pty = sys.openPtyIn("/proc/" + state.pid() + "/root");
        } catch (SyscallException e) {
            throw new ContainerException("exec in " + state.id() + ": no terminal from the container's /dev/pts: " + e.getMessage(), e);
        }
        try {
            ConsoleSize size = process == null ? null : process.getConsoleSize();
            if (size != null && size.getHeight() != null && size.getWidth() != null && size.getHeight() > 0) {
                sys.setWindowSize(pty[0], size.getHeight(), size.getWidth());
            }
            int pid = spawn(state, cgroups, process, pty[1], pty[1], pty[1], true);
            return new TerminalProcess(pid, pty[0]);
        } catch (ContainerException | RuntimeException e) {
            sys.close(pty[0]);
            throw e;
        } finally {
            sys.close(pty[1]);
        }
    }

    private int spawn(ContainerState state, CgroupManager cgroups, Process process, int stdin, int stdout, int stderr,
            boolean terminal) throws ContainerException {
        if (process == null || process.getArgs() == null || process.getArgs().isEmpty()) {
            throw new ContainerException("exec in " + state.id() + ": process.args must not be empty");
        }
        Spec spec = state.config();
        try {
            UnsupportedFields.checkProcess(process, "process");
        } catch (ContainerException e) {
            throw new ContainerException("exec in " + state.id() + ": " + e.getMessage(), e);
        }
        ProcessPlan plan;
        try {
            plan = InitPlanFactory.process(process, spec.getLinux() == null ? null : spec.getLinux().getSeccomp());
        } catch (RuntimeException e) {
            throw new ContainerException("exec in " + state.id() + ": " + e.getMessage(), e);
        }
        String program = resolve(Path.of(state.rootfs()), plan.args().get(0), plan.env(), plan.cwd())
                .orElseThrow(() -> new ContainerException("exec in " + state.id() + ": \"" + plan.args().get(0)
                        + "\": executable file not found in $PATH"));

        List<Integer> opened = new ArrayList<>();
        try {
            SpawnRequest.Builder spawn = SpawnRequest.builder(program).argv(plan.args()).env(plan.env())
                    .fd(0, stdin).fd(1, stdout).fd(2, stderr).newSession(true).controllingTerminal(terminal).cwd(plan.cwd())
                    .credentials(new Credentials(plan.uid(), plan.gid(), plan.additionalGids(),
                            plan.capabilities(), plan.noNewPrivileges(), plan.seccompFilter(), plan.seccompFlags()));
            for (Path procs : cgroups.placementFiles()) {
                spawn.cgroupProcsFd(open(opened, procs.toString(), OpenFlags.WRONLY));
            }
            for (Map.Entry<String, Integer> ns : NAMESPACES.entrySet()) {
                String path = "/proc/" + state.pid() + "/ns/" + ns.getKey();
                spawn.joinNamespace(openNamespace(opened, path), ns.getValue());
            }
            // In a user namespace the process must be one of its users too, not the host's root: joined last, after
            // the namespaces it owns (the spawn's first stage joins those as root).
            if (hasUserNamespace(spec)) {
                spawn.joinNamespace(openNamespace(opened, "/proc/" + state.pid() + "/ns/user"), CloneFlags.NEWUSER);
            }
            return sys.spawn(spawn.build());
        } catch (SyscallException e) {
            throw new ContainerException("exec in " + state.id() + ": " + e.getMessage(), e);
        } finally {
            for (int fd : opened) sys.close(fd);
        }
    }

    /**
     * The init's namespace file. Just after start a JVM init may be exec'ing its workload, and while the
     * kernel swaps its threads the links read ENOENT for a moment: retried for up to half a second.
     */
    private int openNamespace(List<Integer> opened, String path) {
        for (int attempt = 0; ; attempt++) {
            try {
                return open(opened, path, OpenFlags.RDONLY);
            } catch (SyscallException e) {
                if (e.errno() != Errno.ENOENT || attempt >= 50) throw e;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private int open(List<Integer> opened, String path, int flags) {
        int fd = sys.open(path, flags, 0);
        opened.add(fd);
        return fd;
    }

    /**
     * argv0 as the container sees it: a path is used as is, a bare name is searched on the process's PATH
     * inside the rootfs (seen from the host, where it is mounted).
     */
    static java.util.Optional<String> resolve(Path rootfs, String argv0, List<String> env, String cwd) {
        if (argv0.contains("/")) return java.util.Optional.of(argv0);
        String path = env.stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).findFirst()
                .orElse(dev.wasmj.libcontainer.workload.ExecutableLookup.DEFAULT_PATH);
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            String candidate = (dir.startsWith("/") ? dir : cwd + "/" + dir) + "/" + argv0;
            Path onHost = rootfs.resolve(candidate.substring(1));
            if (Files.isRegularFile(onHost, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(onHost)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean hasUserNamespace(Spec spec) {
        return spec.getLinux() != null && spec.getLinux().getNamespaces() != null
                && spec.getLinux().getNamespaces().stream().anyMatch(ns -> "user".equals(ns.getType()));
    }

    private static Map<String, Integer> orderedNamespaces() {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        m.put("ipc", CloneFlags.NEWIPC);
        m.put("uts", CloneFlags.NEWUTS);
        m.put("net", CloneFlags.NEWNET);
        m.put("pid", CloneFlags.NEWPID);
        m.put("cgroup", CloneFlags.NEWCGROUP);
        m.put("mnt", CloneFlags.NEWNS);
        return m;
    }
}
