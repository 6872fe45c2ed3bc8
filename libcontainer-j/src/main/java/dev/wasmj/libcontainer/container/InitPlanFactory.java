package dev.wasmj.libcontainer.container;

import dev.wasmj.libcontainer.process.InitPlan;
import dev.wasmj.libcontainer.process.InitPlan.DeviceEntry;
import dev.wasmj.libcontainer.process.InitPlan.HookEntry;
import dev.wasmj.libcontainer.process.InitPlan.MountEntry;
import dev.wasmj.libcontainer.process.InitPlan.ProcessPlan;
import dev.wasmj.libcontainer.process.InitPlan.Rlimit;
import dev.wasmj.libcontainer.rootfs.Devices;
import dev.wasmj.libcontainer.rootfs.MountOptions;
import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.oci.runtime.Hook;
import dev.wasmj.oci.runtime.Linux;
import dev.wasmj.oci.runtime.LinuxCapabilities;
import dev.wasmj.libcontainer.seccomp.Arch;
import dev.wasmj.libcontainer.seccomp.JvmSyscalls;
import dev.wasmj.libcontainer.seccomp.SeccompCompiler;
import dev.wasmj.oci.runtime.LinuxDevice;
import dev.wasmj.oci.runtime.LinuxSeccomp;
import dev.wasmj.oci.runtime.Mount;
import dev.wasmj.oci.runtime.PosixRlimit;
import dev.wasmj.oci.runtime.Spec;
import dev.wasmj.oci.runtime.User;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated spec into the init's plan: every option parsed, every name resolved and the seccomp
 * profile compiled here, in the runtime. Errors (IllegalArgumentException, SeccompException) name the field.
 */
final class InitPlanFactory {
    private InitPlanFactory() {}

    static InitPlan create(String id, Spec spec, Path rootfs, Namespaces namespaces, int preservedFds, String executor) {
        Linux linux = spec.getLinux() == null ? new Linux() : spec.getLinux();
        return new InitPlan(
                id,
                rootfs.toString(),
                Boolean.TRUE.equals(spec.getRoot().getReadonly()),
                MountOptions.rootPropagation(linux.getRootfsPropagation()),
                namespaces.isNew(CloneFlags.NEWNS),
                namespaces.isNew(CloneFlags.NEWUTS),
                namespaces.path("mount"),
                mounts(spec.getMounts()),
                devices(linux.getDevices()),
                spec.getHostname() == null || spec.getHostname().isEmpty() ? null : spec.getHostname(),
                spec.getDomainname() == null || spec.getDomainname().isEmpty() ? null : spec.getDomainname(),
                linux.getSysctl() == null ? Map.of() : new LinkedHashMap<>(linux.getSysctl()),
                orEmpty(linux.getMaskedPaths()),
                orEmpty(linux.getReadonlyPaths()),
                process(spec.getProcess(), linux.getSeccomp()),
                spec.getHooks() != null && (notEmpty(spec.getHooks().getPrestart()) || notEmpty(spec.getHooks().getCreateRuntime())),
                hooks(spec.getHooks() == null ? null : spec.getHooks().getCreateContainer()),
                hooks(spec.getHooks() == null ? null : spec.getHooks().getStartContainer()),
                preservedFds,
                executor,
                null);
    }

    private static List<MountEntry> mounts(List<Mount> mounts) {
        List<MountEntry> out = new ArrayList<>();
        if (mounts == null) return out;
        for (Mount m : mounts) {
            MountOptions.Parsed o = MountOptions.parse(m.getOptions());
            String type = m.getType();
            long flags = o.flags();
            if ("bind".equals(type)) flags |= dev.wasmj.libcontainer.syscall.MountFlags.BIND;
            out.add(new MountEntry(m.getDestination(), type, m.getSource(), flags, o.propagation(), o.data()));
        }
        return out;
    }

    private static List<DeviceEntry> devices(List<LinuxDevice> devices) {
        Map<String, DeviceEntry> byPath = new LinkedHashMap<>();
        for (DeviceEntry d : Devices.DEFAULTS) byPath.put(d.path(), d);
        if (devices != null) {
            for (LinuxDevice d : devices) {
                byPath.put(d.getPath(), new DeviceEntry(d.getPath(), d.getType().charAt(0),
                        d.getMajor() == null ? 0 : d.getMajor().intValue(), d.getMinor() == null ? 0 : d.getMinor().intValue(),
                        d.getFileMode() == null ? 0666 : d.getFileMode(), d.getUid() == null ? 0 : d.getUid(),
                        d.getGid() == null ? 0 : d.getGid()));
            }
        }
        return new ArrayList<>(byPath.values());
    }

    static ProcessPlan process(dev.wasmj.oci.runtime.Process p, LinuxSeccomp seccomp) {
        User user = p.getUser() == null ? new User() : p.getUser();
        List<Integer> gids = user.getAdditionalGids() == null ? List.of() : user.getAdditionalGids();
        List<Rlimit> rlimits = new ArrayList<>();
        if (p.getRlimits() != null) {
            for (int i = 0; i < p.getRlimits().size(); i++) {
                PosixRlimit r = p.getRlimits().get(i);
                rlimits.add(new Rlimit(Rlimits.resource(r.getType(), "process.rlimits[" + i + "].type"),
                        r.getSoft() == null ? 0 : r.getSoft(), r.getHard() == null ? 0 : r.getHard()));
            }
        }
        byte[] filter = seccomp == null ? null : SeccompCompiler.compile(seccomp, Arch.nativeArch());
        return new ProcessPlan(
                orEmpty(p.getArgs()),
                orEmpty(p.getEnv()),
                p.getCwd() == null || p.getCwd().isEmpty() ? "/" : p.getCwd(),
                user.getUid() == null ? 0 : user.getUid(),
                user.getGid() == null ? 0 : user.getGid(),
                gids.stream().mapToInt(Integer::intValue).toArray(),
                user.getUmask() == null ? -1 : user.getUmask(),
                rlimits,
                Boolean.TRUE.equals(p.getNoNewPrivileges()),
                p.getOomScoreAdj(),
                capabilities(p.getCapabilities()),
                Boolean.TRUE.equals(p.getTerminal()),
                p.getConsoleSize() == null || p.getConsoleSize().getHeight() == null ? 0 : p.getConsoleSize().getHeight(),
                p.getConsoleSize() == null || p.getConsoleSize().getWidth() == null ? 0 : p.getConsoleSize().getWidth(),
                filter,
                seccomp == null ? 0 : SeccompCompiler.flags(seccomp),
                filter == null ? List.of() : JvmSyscalls.deniedBy(filter, Arch.nativeArch()));
    }

    /** null when the spec has no capabilities section: then the workload keeps the init's (all of root's). */
    private static long[] capabilities(LinuxCapabilities c) {
        if (c == null) return null;
        return new long[] {
            Capabilities.mask(c.getBounding(), "process.capabilities.bounding"),
            Capabilities.mask(c.getEffective(), "process.capabilities.effective"),
            Capabilities.mask(c.getPermitted(), "process.capabilities.permitted"),
            Capabilities.mask(c.getInheritable(), "process.capabilities.inheritable"),
            Capabilities.mask(c.getAmbient(), "process.capabilities.ambient")
        };
    }

    static List<HookEntry> hooks(List<Hook> hooks) {
        List<HookEntry> out = new ArrayList<>();
        if (hooks == null) return out;
        for (Hook h : hooks) {
            out.add(new HookEntry(h.getPath(), orEmpty(h.getArgs()), orEmpty(h.getEnv()),
                    h.getTimeout() == null ? 0 : h.getTimeout()));
        }
        return out;
    }

    private static boolean notEmpty(List<?> list) {
        return list != null && !list.isEmpty();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
