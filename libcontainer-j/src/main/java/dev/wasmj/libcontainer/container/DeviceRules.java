package dev.wasmj.libcontainer.container;

import dev.wasmj.oci.runtime.LinuxDevice;
import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
import dev.wasmj.oci.runtime.LinuxResources;
import java.util.ArrayList;
import java.util.List;

/**
 * The device cgroup rules a container gets: the spec's own, then (as runc does) access to the devices
 * every container has (/dev/null, /dev/zero, ..., ptys) and to the spec's linux.devices, so that a spec
 * that starts with "deny all" still has a working /dev.
 */
final class DeviceRules {
    private record Rule(String type, long major, long minor, String access) {}

    private static final long ANY = -1;
    private static final List<Rule> DEFAULT_ALLOWED = List.of(
            new Rule("c", ANY, ANY, "m"), new Rule("b", ANY, ANY, "m"),
            new Rule("c", 1, 3, "rwm"), new Rule("c", 1, 5, "rwm"), new Rule("c", 1, 7, "rwm"),
            new Rule("c", 1, 8, "rwm"), new Rule("c", 1, 9, "rwm"), new Rule("c", 5, 0, "rwm"),
            new Rule("c", 5, 1, "rwm"), new Rule("c", 5, 2, "rwm"), new Rule("c", 136, ANY, "rwm"));

    private DeviceRules() {}

    /** resources with the default rules appended (a copy of the list; the spec object's list is replaced). */
    static LinuxResources withDefaults(LinuxResources resources, List<LinuxDevice> specDevices) {
        if (resources.getDevices() == null || resources.getDevices().isEmpty()) return resources;
        List<LinuxDeviceCgroup> rules = new ArrayList<>(resources.getDevices());
        for (Rule r : DEFAULT_ALLOWED) rules.add(allow(r.type(), r.major(), r.minor(), r.access()));
        if (specDevices != null) {
            for (LinuxDevice d : specDevices) {
                if (d.getType() == null || d.getType().equals("p")) continue;
                rules.add(allow(d.getType().equals("u") ? "c" : d.getType(), d.getMajor() == null ? ANY : d.getMajor(),
                        d.getMinor() == null ? ANY : d.getMinor(), "rwm"));
            }
        }
        resources.setDevices(rules);
        return resources;
    }

    private static LinuxDeviceCgroup allow(String type, long major, long minor, String access) {
        LinuxDeviceCgroup rule = new LinuxDeviceCgroup();
        rule.setAllow(true);
        rule.setType(type);
        if (major != ANY) rule.setMajor(major);
        if (minor != ANY) rule.setMinor(minor);
        rule.setAccess(access);
        return rule;
    }
}
