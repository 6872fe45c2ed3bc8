package dev.wasmj.oci.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a config.json against the rules of the runtime spec that a runtime relies on. Every problem names
 * its field; all problems are reported, the first one first.
 */
public final class SpecValidator {
    private static final Pattern VERSION_1 = Pattern.compile("1\\.\\d+\\.\\d+.*");
    private static final Set<String> DEVICE_TYPES = Set.of("c", "b", "u", "p");
    private static final Set<String> SECCOMP_ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
            "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",
            "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    private static final Set<String> SECCOMP_OPS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
            "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    private static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared", "rshared", "slave",
            "rslave", "unbindable", "runbindable");

    private final List<String> problems = new ArrayList<>();

    private SpecValidator() {}

    /** Throws a SpecException listing every problem, prefixed with sourceName. */
    public static void validate(Spec spec, String sourceName) {
        SpecValidator v = new SpecValidator();
        v.spec(spec);
        if (!v.problems.isEmpty()) {
            throw new SpecException(sourceName + ": " + String.join("; ", v.problems));
        }
    }

    private void problem(String field, String message) {
        problems.add(field + ": " + message);
    }

    private void spec(Spec s) {
        if (s.getOciVersion() == null) problem("ociVersion", "missing");
        else if (!VERSION_1.matcher(s.getOciVersion()).matches()) {
            problem("ociVersion", "unsupported version \"" + s.getOciVersion() + "\" (1.x expected)");
        }
        if (s.getRoot() == null || s.getRoot().getPath() == null || s.getRoot().getPath().isEmpty()) {
            problem("root.path", "missing");
        }
        if (s.getProcess() != null) process(s.getProcess());
        list(s.getMounts(), "mounts", (m, f) -> {
            absolute(m.getDestination(), f + ".destination");
            idMappings(m.getUidMappings(), f + ".uidMappings");
            idMappings(m.getGidMappings(), f + ".gidMappings");
        });
        if (s.getHooks() != null) hooks(s.getHooks());
        if (s.getLinux() != null) linux(s.getLinux());
    }

    private void process(Process p) {
        if (p.getArgs() == null || p.getArgs().isEmpty()) {
            if (p.getCommandLine() == null) problem("process.args", "missing or empty");
        }
        if (p.getCwd() == null) problem("process.cwd", "missing");
        else absolute(p.getCwd(), "process.cwd");
        if (p.getEnv() != null) {
            for (int i = 0; i < p.getEnv().size(); i++) {
                String e = p.getEnv().get(i);
                if (e == null || !e.contains("=")) problem("process.env[" + i + "]", "not KEY=value: \"" + e + "\"");
            }
        }
        list(p.getRlimits(), "process.rlimits", (r, f) -> {
            if (r.getType() == null || !r.getType().startsWith("RLIMIT_")) {
                problem(f + ".type", "unknown rlimit \"" + r.getType() + "\"");
            }
            if (r.getSoft() != null && r.getHard() != null && Long.compareUnsigned(r.getSoft(), r.getHard()) > 0) {
                problem(f, "soft limit " + r.getSoft() + " above hard limit " + r.getHard());
            }
        });
        LinuxCapabilities c = p.getCapabilities();
        if (c != null) {
            capabilities(c.getBounding(), "process.capabilities.bounding");
            capabilities(c.getEffective(), "process.capabilities.effective");
            capabilities(c.getInheritable(), "process.capabilities.inheritable");
            capabilities(c.getPermitted(), "process.capabilities.permitted");
            capabilities(c.getAmbient(), "process.capabilities.ambient");
        }
        if (p.getOomScoreAdj() != null && (p.getOomScoreAdj() < -1000 || p.getOomScoreAdj() > 1000)) {
            problem("process.oomScoreAdj", p.getOomScoreAdj() + " outside -1000..1000");
        }
    }

    private void capabilities(List<String> names, String field) {
        list(names, field, (name, f) -> {
            if (name == null || !name.startsWith("CAP_")) problem(f, "unknown capability \"" + name + "\"");
        });
    }

    private void hooks(Hooks h) {
        hookList(h.getPrestart(), "hooks.prestart");
        hookList(h.getCreateRuntime(), "hooks.createRuntime");
        hookList(h.getCreateContainer(), "hooks.createContainer");
        hookList(h.getStartContainer(), "hooks.startContainer");
        hookList(h.getPoststart(), "hooks.poststart");
        hookList(h.getPoststop(), "hooks.poststop");
    }

    private void hookList(List<Hook> hooks, String field) {
        list(hooks, field, (hook, f) -> {
            absolute(hook.getPath(), f + ".path");
            if (hook.getTimeout() != null && hook.getTimeout() <= 0) problem(f + ".timeout", "must be greater than 0");
        });
    }

    private void linux(Linux l) {
        Set<String> seen = new HashSet<>();
        list(l.getNamespaces(), "linux.namespaces", (ns, f) -> {
            if (NamespaceType.fromJson(ns.getType()).isEmpty()) {
                problem(f + ".type", "unknown namespace \"" + ns.getType() + "\"");
            } else if (!seen.add(ns.getType())) {
                problem(f + ".type", "duplicate namespace \"" + ns.getType() + "\"");
            }
            if (ns.getPath() != null && !ns.getPath().isEmpty()) absolute(ns.getPath(), f + ".path");
        });
        idMappings(l.getUidMappings(), "linux.uidMappings");
        idMappings(l.getGidMappings(), "linux.gidMappings");
        list(l.getDevices(), "linux.devices", (d, f) -> {
            if (!DEVICE_TYPES.contains(d.getType())) problem(f + ".type", "unknown device type \"" + d.getType() + "\"");
            absolute(d.getPath(), f + ".path");
        });
        if (l.getRootfsPropagation() != null && !l.getRootfsPropagation().isEmpty()
                && !PROPAGATIONS.contains(l.getRootfsPropagation())) {
            problem("linux.rootfsPropagation", "unknown value \"" + l.getRootfsPropagation() + "\"");
        }
        list(l.getMaskedPaths(), "linux.maskedPaths", this::absolute);
        list(l.getReadonlyPaths(), "linux.readonlyPaths", this::absolute);
        if (l.getResources() != null) resources(l.getResources());
        if (l.getSeccomp() != null) seccomp(l.getSeccomp());
    }

    private void idMappings(List<LinuxIdMapping> mappings, String field) {
        list(mappings, field, (m, f) -> {
            if (m.getSize() == null || m.getSize() <= 0) problem(f + ".size", "must be greater than 0");
        });
    }

    private void resources(LinuxResources r) {
        LinuxMemory m = r.getMemory();
        if (m != null) {
            if (m.getLimit() != null && m.getLimit() != -1 && m.getLimit() <= 0) {
                problem("linux.resources.memory.limit", m.getLimit() + " must be greater than 0 (or -1 for unlimited)");
            }
            if (m.getLimit() != null && m.getSwap() != null && m.getLimit() > 0 && m.getSwap() != -1
                    && m.getSwap() < m.getLimit()) {
                problem("linux.resources.memory.swap", m.getSwap() + " is below the memory limit " + m.getLimit()
                        + " (swap is memory+swap)");
            }
            if (m.getSwappiness() != null && (m.getSwappiness() < 0 || m.getSwappiness() > 100)) {
                problem("linux.resources.memory.swappiness", m.getSwappiness() + " outside 0..100");
            }
        }
        LinuxCpu c = r.getCpu();
        if (c != null) {
            if (c.getShares() != null && c.getShares() != 0 && c.getShares() < 2) {
                problem("linux.resources.cpu.shares", c.getShares() + " below the minimum of 2");
            }
            if (c.getPeriod() != null && c.getPeriod() != 0 && (c.getPeriod() < 1000 || c.getPeriod() > 1_000_000)) {
                problem("linux.resources.cpu.period", c.getPeriod() + " outside 1000..1000000 microseconds");
            }
        }
        list(r.getDevices(), "linux.resources.devices", (d, f) -> {
            if (d.getAllow() == null) problem(f + ".allow", "missing");
            if (d.getType() != null && !Set.of("a", "c", "b").contains(d.getType())) {
                problem(f + ".type", "unknown device type \"" + d.getType() + "\" (a, c or b)");
            }
            if (d.getAccess() != null && !d.getAccess().matches("[rwm]*")) {
                problem(f + ".access", "unknown access \"" + d.getAccess() + "\" (r, w, m)");
            }
        });
        LinuxBlockIo b = r.getBlockIO();
        if (b != null && b.getWeight() != null && (b.getWeight() < 10 || b.getWeight() > 1000)) {
            problem("linux.resources.blockIO.weight", b.getWeight() + " outside 10..1000");
        }
    }

    private void seccomp(LinuxSeccomp s) {
        if (s.getDefaultAction() == null) problem("linux.seccomp.defaultAction", "missing");
        else if (!SECCOMP_ACTIONS.contains(s.getDefaultAction())) {
            problem("linux.seccomp.defaultAction", "unknown action \"" + s.getDefaultAction() + "\"");
        }
        list(s.getSyscalls(), "linux.seccomp.syscalls", (sc, f) -> {
            if (sc.getNames() == null || sc.getNames().isEmpty()) problem(f + ".names", "missing or empty");
            if (!SECCOMP_ACTIONS.contains(sc.getAction())) problem(f + ".action", "unknown action \"" + sc.getAction() + "\"");
            list(sc.getArgs(), f + ".args", (a, af) -> {
                if (!SECCOMP_OPS.contains(a.getOp())) problem(af + ".op", "unknown operator \"" + a.getOp() + "\"");
            });
        });
    }

    private void absolute(String path, String field) {
        if (path == null || path.isEmpty()) problem(field, "missing");
        else if (!path.startsWith("/")) problem(field, "not an absolute path: \"" + path + "\"");
    }

    private interface Check<T> {
        void check(T item, String field);
    }

    private <T> void list(List<T> items, String field, Check<T> check) {
        if (items == null) return;
        for (int i = 0; i < items.size(); i++) {
            String f = field + "[" + i + "]";
            if (items.get(i) == null) problem(f, "null");
            else check.check(items.get(i), f);
        }
    }
}
