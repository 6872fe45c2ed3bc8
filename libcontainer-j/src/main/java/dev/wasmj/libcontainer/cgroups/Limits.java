package dev.wasmj.libcontainer.cgroups;

import dev.wasmj.oci.runtime.LinuxDeviceCgroup;
import java.util.List;
import java.util.regex.Pattern;

/** Value rules shared by the v1 and v2 writers: what counts as "unset", and how values are spelled. */
final class Limits {
    private static final Pattern PAGE_SIZE = Pattern.compile("[1-9][0-9]*[KMGT]B");
    private static final Pattern ACCESS = Pattern.compile("[rwm]{1,3}");

    private Limits() {}

    /**
     * Null for "not requested". runc reads 0 as unset for limits, shares, quota and periods (Go has no
     * null), and specs written for runc rely on it; we do the same.
     */
    static Long setOrNull(Long v) {
        return v == null || v == 0 ? null : v;
    }

    static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    static <T> List<T> nullIfEmpty(List<T> l) {
        return l == null || l.isEmpty() ? null : l;
    }

    /** Given (name, value) pairs, the name of the first non-null value: what the caller asks for. */
    static String firstRequested(Object... namesAndValues) {
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) return (String) namesAndValues[i];
        }
        return null;
    }

    /** pids.max: a count, or "max" for zero or negative (no limit). */
    static String pidsValue(long limit) {
        return limit <= 0 ? "max" : Long.toString(limit);
    }

    /** "major:minor" of a block device in a weight or throttle rule. */
    static String device(Long major, Long minor) throws CgroupException {
        if (major == null || minor == null || major < 0 || minor < 0) {
            throw new CgroupException("block device rule needs a major and a minor number, got " + major + ":" + minor);
        }
        return major + ":" + minor;
    }

    /** An OCI page size such as "2MB" or "1GB", as the kernel names it in hugetlb.<size>.* files. */
    static String pageSize(String size) throws CgroupException {
        if (size == null || !PAGE_SIZE.matcher(size).matches()) {
            throw new CgroupException("hugepage size \"" + size + "\" is not of the form <number><K|M|G|T>B (e.g. 2MB)");
        }
        return size;
    }

    /** A v1 devices.allow/deny line: "type major:minor access", with "*" for any number. */
    static String deviceRule(LinuxDeviceCgroup rule) throws CgroupException {
        String type = rule.getType() == null || rule.getType().isEmpty() ? "a" : rule.getType();
        if (!type.equals("a") && !type.equals("b") && !type.equals("c")) {
            throw new CgroupException("device rule type \"" + type + "\" is not one of a, b, c");
        }
        String access = rule.getAccess() == null || rule.getAccess().isEmpty() ? "rwm" : rule.getAccess();
        if (!ACCESS.matcher(access).matches()) {
            throw new CgroupException("device rule access \"" + access + "\" is not made of r, w, m");
        }
        String major = rule.getMajor() == null || rule.getMajor() < 0 ? "*" : rule.getMajor().toString();
        String minor = rule.getMinor() == null || rule.getMinor() < 0 ? "*" : rule.getMinor().toString();
        return type + " " + major + ":" + minor + " " + access;
    }
}
