/**
 * Container cgroups, with plain file I/O on the cgroup file systems.
 *
 * <p>{@link dev.wasmj.libcontainer.cgroups.Cgroups#forContainer(String, String)} detects the host layout
 * ({@link dev.wasmj.libcontainer.cgroups.CgroupSetup}: pure v2, hybrid or legacy v1) and returns a
 * {@link dev.wasmj.libcontainer.cgroups.CgroupManager} for one container's cgroup path:
 * <ul>
 *   <li>{@code V1Manager}: one directory per v1 hierarchy; {@code V1Limits} writes the spec's
 *       resources, {@code V1Stats} reads usage;</li>
 *   <li>{@code V2Manager}: one directory in the cgroup2 tree; {@code V2Limits} converts and writes the
 *       resources, {@code V2Stats} reads usage;</li>
 *   <li>{@code HybridManager}: v1 for limits, the cgroup2 mount for tracking and cgroup.kill.</li>
 * </ul>
 * {@code CgroupFiles} does the reads and writes (one write per value, errors name value, file and
 * reason), {@code CgroupTree} the recursive listing and rmdir, {@link dev.wasmj.libcontainer.cgroups.CgroupPath}
 * the cgroupsPath rules. Device rules are not enforced on cgroup v2 (that needs eBPF).
 */
package dev.wasmj.libcontainer.cgroups;
