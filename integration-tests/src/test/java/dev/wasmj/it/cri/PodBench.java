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
 * and the PSS of the processes the pod adds (its shim and the process holding its namespaces: a pause
 * container, or our shim's namespace holder), then StopPodSandbox and RemovePodSandbox. Handlers: runc's
 * (the baseline), ours with a pause container, and on containerd 2.x ours as the pod's sandboxer.
 * Prints medians and ratios against runc's.
 */
public final class PodBench {
    private PodBench() {}

    /** pssKib: the pod's shim and its namespace holder together; holderKib: the holder (pause or ours) alone. */
    record Sample(double millis, long pssKib, long holderKib) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path tmp = Files.createTempDirectory("wasmj-podbench-");
        List<String> handlers = new ArrayList<>(List.of("runc", CriFixture.HANDLER));
        if (Containerd.MAJOR >= 2) handlers.add(CriFixture.SANDBOX_HANDLER);
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        handlers.forEach(h -> samples.put(h, new ArrayList<>()));
        try (CriFixture node = CriFixture.start(tmp)) {
            CriClient cri = node.cri();
            for (String h : handlers) once(cri, tmp, h, "warm-" + h); // first pods train the CDS archives
            for (int i = 0; i < rounds; i++) {
                for (String h : handlers) samples.get(h).add(once(cri, tmp, h, "p" + i + "-" + h));
            }
        } finally {
            Pods.removeCgroupRoot();
            deleteTree(tmp);
        }
        System.out.println("containerd " + Containerd.MAJOR + "." + Containerd.MINOR + ", " + rounds
                + " pods per handler, interleaved; medians");
        double baseMs = median(samples.get("runc").stream().map(Sample::millis).toList());
        double baseKib = median(samples.get("runc").stream().map(s -> (double) s.pssKib()).toList());
        System.out.printf("%-18s %14s %8s %16s %8s %18s%n", "handler", "RunPodSandbox", "ratio", "pod PSS (MiB)", "ratio",
                "of which holder");
        for (String h : handlers) {
            double ms = median(samples.get(h).stream().map(Sample::millis).toList());
            double kib = median(samples.get(h).stream().map(s -> (double) s.pssKib()).toList());
            double holder = median(samples.get(h).stream().map(x -> (double) x.holderKib()).toList());
            System.out.printf("%-18s %11.1f ms %7.2fx %16.1f %7.2fx %14.2f MiB%n", h, ms, ms / baseMs, kib / 1024, kib / baseKib,
                    holder / 1024);
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
            cri.stopPodSandbox(podId);
            cri.removePodSandbox(podId);
            return new Sample(millis, pss, holderPss);
        } finally {
            Pods.handler = before;
        }
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
