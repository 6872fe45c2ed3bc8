package dev.wasmj.it.cri;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.cri.proto.PodSandboxConfig;
import dev.wasmj.it.cri.proto.NamespaceMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark (run by {@code benchmarks/pods.sh}, not a test): what a pod costs each way, through CRI on one
 * containerd, the kubelet's calls. For each runtime handler, in interleaved rounds: the time of RunPodSandbox,
 * the PSS of the processes the pod adds (its shim and the process holding its namespaces: a pause container, or
 * our shim's namespace holder), then the time of CreateContainer and StartContainer of a long-running container
 * (busybox {@code sleep} for runc, the Wasm probe's {@code sleep} for ours) and of ContainerStats on it, then
 * StopPodSandbox and RemovePodSandbox. Then one pod per handler with ten such containers: the PSS of the pod's
 * processes (shim, holder, the ten containers' processes) per container. Handlers: runc's (the baseline), ours
 * with a pause container, and on containerd 2.x ours as the pod's sandboxer. Shim servers are shared as they are
 * by default. Prints medians and ratios against runc's.
 */
public final class PodBench {
    private PodBench() {}

    /**
     * pssKib: the pod's shim and its namespace holder together; holderKib: the holder (pause or ours) alone; then
     * the times of a container's CreateContainer, StartContainer and ContainerStats (median of three calls).
     */
    record Sample(double millis, long pssKib, long holderKib, double createMs, double startMs, double statsMs) {}

    private static String wasmImage;
    private static String busyboxImage;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path tmp = Files.createTempDirectory("wasmj-podbench-");
        List<String> handlers = new ArrayList<>(List.of("runc", CriFixture.HANDLER));
        if (Containerd.MAJOR >= 2) handlers.add(CriFixture.SANDBOX_HANDLER);
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        handlers.forEach(h -> samples.put(h, new ArrayList<>()));
        Map<String, TenInAPod> perContainerKib = new LinkedHashMap<>();
        // A node that has run a pod before: the first server of a build trains the class-data archive and writes
        // it when it exits (at the close of this containerd), so that the measured node's servers use it.
        try (CriFixture warm = CriFixture.start(Files.createDirectories(tmp.resolve("warm")), "16")) {
            wasmImage = dev.wasmj.it.wasm.WasmFixture.probeImage(warm.ctr(), tmp.resolve("warm"));
            once(warm.cri(), tmp, CriFixture.HANDLER, "train");
        }
        try (CriFixture node = CriFixture.start(tmp, "16")) { // shared servers, the default
            CriClient cri = node.cri();
            wasmImage = dev.wasmj.it.wasm.WasmFixture.probeImage(node.ctr(), tmp);
            busyboxImage = dev.wasmj.it.containerd.OciImage.busybox("docker.io/wasmj/busybox:bench").build(tmp.resolve("busybox.tar"))
                    .importInto(node.ctr());
            for (String h : handlers) once(cri, tmp, h, "warm-" + h); // first pods train the CDS archives
            for (int i = 0; i < rounds; i++) {
                for (String h : handlers) samples.get(h).add(once(cri, tmp, h, "p" + i + "-" + h));
            }
            for (String h : handlers) perContainerKib.put(h, tenInOnePod(cri, tmp, h));
            String keep = System.getProperty("wasmj.bench.log");
            if (keep != null) Files.copy(node.containerd().logFile(), Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Pods.removeCgroupRoot();
            deleteTree(tmp);
        }
        System.out.println("containerd " + Containerd.MAJOR + "." + Containerd.MINOR + ", " + rounds
                + " pods per handler, interleaved; medians");
        double baseMs = median(samples.get("runc").stream().map(Sample::millis).toList());
        double baseKib = median(samples.get("runc").stream().map(s -> (double) s.pssKib()).toList());
        // A shared server's whole PSS counts for each pod here: an upper bound for ours.
        System.out.printf("%-18s %14s %8s %16s %8s %18s%n", "handler", "RunPodSandbox", "ratio", "pod PSS (MiB)", "ratio",
                "of which holder");
        for (String h : handlers) {
            double ms = median(samples.get(h).stream().map(Sample::millis).toList());
            double kib = median(samples.get(h).stream().map(s -> (double) s.pssKib()).toList());
            double holder = median(samples.get(h).stream().map(x -> (double) x.holderKib()).toList());
            System.out.printf("%-18s %11.1f ms %7.2fx %16.1f %7.2fx %14.2f MiB%n", h, ms, ms / baseMs, kib / 1024, kib / baseKib,
                    holder / 1024);
        }
        System.out.printf("%n%-18s %16s %8s %16s %8s %16s %8s %18s %8s %18s %8s%n", "handler", "CreateContainer", "ratio",
                "StartContainer", "ratio", "ContainerStats", "ratio", "PSS per container", "ratio", "after 35 s", "ratio");
        double baseCreate = median(samples.get("runc").stream().map(Sample::createMs).toList());
        double baseStart = median(samples.get("runc").stream().map(Sample::startMs).toList());
        double baseStats = median(samples.get("runc").stream().map(Sample::statsMs).toList());
        TenInAPod basePer = perContainerKib.get("runc");
        for (String h : handlers) {
            double create = median(samples.get(h).stream().map(Sample::createMs).toList());
            double start = median(samples.get(h).stream().map(Sample::startMs).toList());
            double stats = median(samples.get(h).stream().map(Sample::statsMs).toList());
            TenInAPod per = perContainerKib.get(h);
            System.out.printf("%-18s %13.1f ms %7.2fx %13.1f ms %7.2fx %13.1f ms %7.2fx %14.1f MiB %7.2fx %14.1f MiB %7.2fx%n", h,
                    create, create / baseCreate, start, start / baseStart, stats, stats / baseStats, per.soonKib() / 1024,
                    per.soonKib() / basePer.soonKib(), per.settledKib() / 1024, per.settledKib() / basePer.settledKib());
        }
        System.out.println("(containers: busybox sleep for runc, the Wasm probe's sleep for ours; PSS per container: ten in one"
                + " pod, the pod's shim and every process in the pod's cgroup (holder, containers, an init waiting for the"
                + " pod's next container) together, divided by ten; 3 s after the last start, and again 35 s later, once"
                + " the init waiting for the pod's next container has ended and the server has given back what its malloc freed)");
    }

    /** The long-running container of a pod of this handler: busybox sleep for runc, the Wasm probe for ours. */
    private static dev.wasmj.it.cri.proto.ContainerConfig.Builder sleeper(String handler, String name) {
        return handler.equals("runc") ? Pods.container(name, busyboxImage, "sleep", "1000")
                : Pods.container(name, wasmImage, "sleep");
    }

    /** PSS per container of a pod of ten, 3 s after its last start and 35 s later. */
    record TenInAPod(double soonKib, double settledKib) {}

    /** One pod of the handler with ten sleeping containers: the PSS of its processes, per container. */
    private static TenInAPod tenInOnePod(CriClient cri, Path tmp, String handler) throws IOException {
        String name = "ten-" + handler;
        PodSandboxConfig pod = Pods.config(name, tmp.resolve("logs").resolve(name), NamespaceMode.CONTAINER);
        String before = Pods.handler;
        Pods.handler = handler;
        try {
            String podId = Pods.run(cri, pod);
            long holder = Pods.sandboxPid(cri, podId);
            long shim = parentOf(holder);
            for (int i = 0; i < 10; i++) {
                String id = Pods.create(cri, podId, pod, sleeper(handler, "c" + i));
                cri.startContainer(id);
                Pods.awaitState(cri, id, dev.wasmj.it.cri.proto.ContainerState.CONTAINER_RUNNING, java.time.Duration.ofSeconds(30));
            }
            sleepQuietly(3000); // every start's work done
            long soon = podPssKib(name, holder, shim);
            sleepQuietly(35_000); // the init waiting for the pod's next container ends 30 s after the last create
            long settled = podPssKib(name, holder, shim);
            // To look at the pod's processes (smaps) by hand before they go: -Dwasmj.bench.hold=<seconds>
            sleepQuietly(Long.getLong("wasmj.bench.hold", 0) * 1000);
            cri.stopPodSandbox(podId);
            cri.removePodSandbox(podId);
            return new TenInAPod(soon / 10.0, settled / 10.0);
        } finally {
            Pods.handler = before;
        }
    }

    /** The shim's PSS and every process's in the pod's cgroup: the holder, the containers', an init waiting there (ours). */
    private static long podPssKib(String pod, long holder, long shim) throws IOException {
        java.util.Set<Long> pids = new java.util.TreeSet<>(processesInCgroup(Pods.CGROUP_ROOT + "/" + pod));
        pids.add(holder);
        pids.add(shim);
        long total = 0;
        for (long pid : pids) total += pssKib(pid);
        return total;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Sample once(CriClient cri, Path tmp, String handler, String name) throws IOException {
        PodSandboxConfig pod = Pods.config(name, tmp.resolve("logs").resolve(name), NamespaceMode.CONTAINER);
        String before = Pods.handler;
        Pods.handler = handler;
        try {
            long t0 = System.nanoTime();
            String podId = Pods.run(cri, pod);
            double millis = (System.nanoTime() - t0) / 1e6;
            long holder = Pods.sandboxPid(cri, podId);
            long shim = parentOf(holder);
            long holderPss = pssKib(holder);
            long pss = holderPss + pssKib(shim);
            long t1 = System.nanoTime();
            String id = Pods.create(cri, podId, pod, sleeper(handler, "sleeper"));
            long t2 = System.nanoTime();
            cri.startContainer(id);
            long t3 = System.nanoTime();
            Pods.awaitState(cri, id, dev.wasmj.it.cri.proto.ContainerState.CONTAINER_RUNNING, java.time.Duration.ofSeconds(30));
            List<Double> stats = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long s0 = System.nanoTime();
                cri.containerStats(id);
                stats.add((System.nanoTime() - s0) / 1e6);
            }
            cri.stopPodSandbox(podId);
            cri.removePodSandbox(podId);
            return new Sample(millis, pss, holderPss, (t2 - t1) / 1e6, (t3 - t2) / 1e6, median(stats));
        } finally {
            Pods.handler = before;
        }
    }

    /** Every process in the cgroup and below it, from the memory hierarchy (or the unified one). */
    private static List<Long> processesInCgroup(String cgroup) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(Pods.cgroupDir(cgroup))) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                for (String line : Files.readAllLines(d.resolve("cgroup.procs"))) {
                    if (!line.isBlank()) pids.add(Long.parseLong(line.trim()));
                }
            }
        }
        return pids;
    }

    private static long parentOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("PPid:")) return Long.parseLong(line.substring(5).trim());
        }
        throw new IOException("no PPid for " + pid);
    }

    /** Proportional set size: shared pages (a CDS archive, libc) count once across the processes that map them. */
    static long pssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
            if (line.startsWith("Pss:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IOException("no Pss for " + pid);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
