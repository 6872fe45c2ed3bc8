package dev.wasmj.it.cri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.cri.proto.ContainerConfig;
import dev.wasmj.it.cri.proto.ContainerMetadata;
import dev.wasmj.it.cri.proto.ContainerState;
import dev.wasmj.it.cri.proto.ContainerStatus;
import dev.wasmj.it.cri.proto.CreateContainerRequest;
import dev.wasmj.it.cri.proto.ImageSpec;
import dev.wasmj.it.cri.proto.LinuxContainerConfig;
import dev.wasmj.it.cri.proto.LinuxContainerSecurityContext;
import dev.wasmj.it.cri.proto.LinuxPodSandboxConfig;
import dev.wasmj.it.cri.proto.LinuxSandboxSecurityContext;
import dev.wasmj.it.cri.proto.NamespaceMode;
import dev.wasmj.it.cri.proto.NamespaceOption;
import dev.wasmj.it.cri.proto.PodSandboxConfig;
import dev.wasmj.it.cri.proto.PodSandboxMetadata;
import dev.wasmj.it.cri.proto.RunPodSandboxRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the kubelet sends for a pod, reduced to what the tests vary: a pod's config (its cgroup parent is
 * {@code /wasmj-it-cri/<name>}, as the kubelet's {@code /kubepods/.../pod<uid>}), its containers' configs,
 * and the waits and lookups a test needs (state, the pid CRI reports, a process's namespaces and cgroup).
 */
final class Pods {
    static final String CGROUP_ROOT = "/wasmj-it-cri";
    /**
     * The runtime handler {@link #run} asks for: {@link CriFixture#HANDLER}, or {@link CriFixture#SANDBOX_HANDLER}
     * while {@link ShimSandboxPodTest} runs the same scenarios with the shim as the pod's sandboxer.
     */
    static volatile String handler = CriFixture.HANDLER;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Pods() {}

    /** A pod with its own network and ipc (POD) and, by default, a pid namespace per container. */
    static PodSandboxConfig config(String name, Path logDirectory, NamespaceMode pid) {
        try {
            Files.createDirectories(logDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setUid("uid-" + name).setNamespace("default"))
                .setHostname(name)
                .setLogDirectory(logDirectory.toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(CGROUP_ROOT + "/" + name)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD).setIpc(NamespaceMode.POD)
                                        .setPid(pid))))
                .build();
    }

    static String run(CriClient cri, PodSandboxConfig pod) {
        return cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler(handler).build())
                .getPodSandboxId();
    }

    /**
     * A container of the pod logging to {@code <name>/0.log}, in its own pid namespace (what the kubelet asks
     * for a v1 pod by default); {@code args} follow the image's entrypoint.
     */
    static ContainerConfig.Builder container(String name, String image, String... args) {
        return container(name, image, NamespaceMode.CONTAINER).addAllArgs(List.of(args));
    }

    /** A container with the pid namespace {@code pid}: CONTAINER (its own) or POD (the pause container's). */
    static ContainerConfig.Builder container(String name, String image, NamespaceMode pid) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .setLogPath(name + "/0.log")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)
                                .setIpc(NamespaceMode.POD).setPid(pid))));
    }

    static String create(CriClient cri, String podId, PodSandboxConfig pod, ContainerConfig.Builder container) {
        return cri.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setSandboxConfig(pod)
                .setConfig(container).build()).getContainerId();
    }

    static ContainerStatus awaitState(CriClient cri, String id, ContainerState state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ContainerStatus status = cri.containerStatus(id).getStatus();
        while (status.getState() != state && System.nanoTime() < deadline) {
            Ctr.sleep(50);
            status = cri.containerStatus(id).getStatus();
        }
        if (status.getState() != state) throw new AssertionError(id + " never became " + state + ": " + status);
        return status;
    }

    /** The pid CRI reports for a container (verbose status), i.e. the container's init as the host sees it. */
    static long containerPid(CriClient cri, String id) {
        return pidOf(cri.containerStatus(id).getInfoMap().get("info"));
    }

    /**
     * The kubelet's part: removes the pods' parent cgroups under {@link #CGROUP_ROOT} in every hierarchy, and
     * returns the container cgroups that were still there (below a pod's cgroup), which nothing should leave.
     */
    static List<Path> removeCgroupRoot() throws IOException {
        List<Path> left = new ArrayList<>();
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path controller : controllers.toList()) {
                Path root = controller.resolve(CGROUP_ROOT.substring(1));
                if (!Files.isDirectory(root)) continue;
                try (Stream<Path> dirs = Files.walk(root)) {
                    for (Path d : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                        // a container's cgroup; or below the root, a pod's, or where an init waited for any pod's sandbox
                        if (!d.equals(root) && !d.getParent().equals(root)) left.add(d);
                        deleteCgroup(d);
                    }
                }
            }
        }
        return left;
    }

    /** A cgroup's directory in the memory hierarchy (v1), or in the unified one where there is no memory hierarchy. */
    static Path cgroupDir(String cgroup) {
        Path memory = Path.of("/sys/fs/cgroup/memory");
        return (Files.isDirectory(memory) ? memory : Path.of("/sys/fs/cgroup")).resolve(cgroup.substring(1));
    }

    /** The names of the cgroups like a waiting init's (wasmj-ready-*) directly below this one. */
    static List<String> parkedBelow(String cgroup) throws IOException {
        Path dir = cgroupDir(cgroup);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> n.startsWith("wasmj-ready-")).toList();
        }
    }

    /** rmdir, retried for up to 2 s: an init killed with its shim at the fixture's close may still be exiting. */
    private static void deleteCgroup(Path dir) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                if (attempt >= 20) throw e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The process holding a pod's namespaces: its pause container's, or the shim's namespace holder. */
    static long sandboxPid(CriClient cri, String podId) {
        return pidOf(cri.podSandboxStatus(podId).getInfoMap().get("info"));
    }

    private static long pidOf(String infoJson) {
        try {
            JsonNode pid = JSON.readTree(infoJson).get("pid");
            if (pid == null || pid.asLong() <= 0) throw new AssertionError("no pid in " + infoJson);
            return pid.asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** e.g. "net:[4026532412]": equal for two processes in the same namespace. */
    static String namespace(long pid, String type) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process's memory cgroup (v1) or its unified cgroup (v2), e.g. "/wasmj-it-cri/pod/abc". */
    static String cgroup(long pid) {
        try {
            String fallback = null;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                String[] f = line.split(":", 3);
                if (List.of(f[1].split(",")).contains("memory")) return f[2];
                if (f[1].isEmpty()) fallback = f[2];
            }
            return fallback;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A container's log as CRI wrote it: lines of "time stream F|P text". */
    static List<String> log(PodSandboxConfig pod, String container) {
        return log(pod, container, 0);
    }

    /** The log of one attempt of a container ({@code <name>/<attempt>.log}). */
    static List<String> log(PodSandboxConfig pod, String container, int attempt) {
        try {
            return Files.readAllLines(Path.of(pod.getLogDirectory(), container, attempt + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
