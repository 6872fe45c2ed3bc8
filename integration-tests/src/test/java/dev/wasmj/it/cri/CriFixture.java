package dev.wasmj.it.cri;

import dev.wasmj.it.containerd.Containerd;
import dev.wasmj.it.containerd.Ctr;
import dev.wasmj.it.containerd.OciImage;
import dev.wasmj.it.support.TestPrograms;
import dev.wasmj.it.wasm.WasmFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A containerd with its CRI plugin on, configured the way a node runs Wasm pods: a runtime handler
 * {@value #HANDLER} for our runtime, a pause image built here, and a CNI network that keeps everything
 * inside the pods (Debian's bridge plugin, a bridge with no address on the host side, no gateway, no NAT,
 * no routes). {@link #close} removes the bridge with the rest.
 */
public final class CriFixture implements AutoCloseable {
    public static final String HANDLER = "wasmtime";
    /** The same runtime with {@code SystemdCgroup = true} in its options table, which this node cannot honour. */
    public static final String SYSTEMD_HANDLER = "wasmtime-systemd";
    /**
     * containerd 2.x only: our shim as the pod's sandboxer ({@code sandboxer = "shim"}, the sandbox API), no pause
     * container. No options table: containerd 2.1 passes such a handler's containers runc's options type.
     */
    public static final String SANDBOX_HANDLER = "wasmtime-sandbox";
    public static final String K8S_NAMESPACE = "k8s.io";
    public static final String PAUSE_IMAGE = "docker.io/wasmj/pause:it";
    static final Path CNI_PLUGINS = Path.of("/usr/lib/cni");
    /** Short, and unlikely on a real node; a crashed run leaves it for the next run to reuse. */
    static final String BRIDGE = "wasmjcri0";
    static final String SUBNET = "10.213.0.0/24";

    private final Containerd containerd;
    private final CriClient cri;
    private final Ctr ctr;

    private CriFixture(Containerd containerd) {
        this.containerd = containerd;
        this.cri = new CriClient(containerd.address(), Duration.ofSeconds(60));
        this.ctr = containerd.ctr(K8S_NAMESPACE);
    }

    /** Starts the containerd (the shipped shim on its PATH) and imports the pause image; a shim server per pod. */
    public static CriFixture start(Path tmp) {
        return start(tmp, "1");
    }

    /** As {@link #start(Path)}, with up to {@code shimGroups} pods per shim server ({@code WASMJ_SHIM_GROUPS}). */
    public static CriFixture start(Path tmp, String shimGroups) {
        if (!Files.isExecutable(CNI_PLUGINS.resolve("bridge"))) {
            throw new IllegalStateException("no CNI plugins in " + CNI_PLUGINS + ": apt-get install containernetworking-plugins");
        }
        // A server per pod, as these scenarios assert (a pod's shim exits with it, two pods two shims); pods sharing
        // a server are ShimGroupingTest's (through ctr) for now.
        Containerd containerd = Containerd.start(Containerd.options().shimDir(WasmFixture.shimBin()).debug(true)
                .env("WASMJ_SHIM_GROUPS", shimGroups).cri(CriFixture::criConfig));
        try {
            CriFixture fixture = new CriFixture(containerd);
            fixture.awaitCri();
            OciImage.builder().ref(PAUSE_IMAGE).file("/pause", TestPrograms.staticNative("pause"), 0755)
                    .entrypoint("/pause").build(tmp.resolve("pause.tar")).importInto(fixture.ctr);
            return fixture;
        } catch (RuntimeException e) {
            containerd.close();
            throw e;
        }
    }

    /** CRI answers once its plugin has loaded; if it failed to, containerd's log says why. */
    void awaitCri() {
        RuntimeException last = null;
        for (int i = 0; i < 100; i++) {
            try {
                cri.version();
                return;
            } catch (RuntimeException e) {
                last = e;
                Ctr.sleep(100);
            }
        }
        String why = containerd.logText().lines().filter(l -> l.contains("cri") || l.contains("level=error"))
                .reduce("", (a, b) -> a + b + "\n");
        throw new IllegalStateException("containerd's CRI does not answer (" + last + "); its log:\n" + why, last);
    }

    /** The CRI plugin's settings, and the CNI network in the containerd's dir. */
    private static String criConfig(Path dir) {
        Path cniConf = dir.resolve("cni");
        try {
            Files.createDirectories(cniConf);
            Files.writeString(cniConf.resolve("10-wasmj-it.conflist"), """
                    {
                      "cniVersion": "0.4.0",
                      "name": "wasmj-it",
                      "plugins": [{
                        "type": "bridge",
                        "bridge": "%s",
                        "isGateway": false,
                        "ipMasq": false,
                        "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s"}]], "dataDir": "%s"}
                      }]
                    }
                    """.formatted(BRIDGE, SUBNET, dir.resolve("cni-ipam")));
            Files.writeString(dir.resolve("systemd-options.toml"), "SystemdCgroup = true\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Containerd.MAJOR >= 2 ? versionThree(cniConf, dir) : versionTwo(cniConf, dir);
    }

    /** containerd 1.6 and 1.7: one CRI plugin. */
    private static String versionTwo(Path cniConf, Path dir) {
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        return String.join("\n",
                "  [" + cri + "]",
                "    sandbox_image = \"" + PAUSE_IMAGE + "\"",
                // Root here lacks CAP_SYS_RESOURCE for the pause container's -998 (see the notes).
                "    restrict_oom_score_adj = true",
                "    netns_mounts_under_state_dir = true",
                "    enable_selinux = false",
                "    [" + cri + ".cni]",
                "      bin_dir = \"" + CNI_PLUGINS + "\"",
                "      conf_dir = \"" + cniConf + "\"",
                "    [" + cri + ".containerd]",
                "      snapshotter = \"overlayfs\"",
                "      default_runtime_name = \"runc\"",
                runtimes(cri + ".containerd", dir),
                "");
    }

    /** containerd 2.x (version = 3): CRI split into its images and runtime plugins (the grpc one serves streams). */
    private static String versionThree(Path cniConf, Path dir) {
        String images = "plugins.\"io.containerd.cri.v1.images\"";
        String runtime = "plugins.\"io.containerd.cri.v1.runtime\"";
        return String.join("\n",
                "  [" + images + "]",
                "    snapshotter = \"overlayfs\"",
                "    [" + images + ".pinned_images]",
                "      sandbox = \"" + PAUSE_IMAGE + "\"",
                "  [" + runtime + "]",
                "    restrict_oom_score_adj = true",
                "    netns_mounts_under_state_dir = true",
                "    enable_selinux = false",
                "    [" + runtime + ".cni]",
                "      bin_dirs = [\"" + CNI_PLUGINS + "\"]",
                "      conf_dir = \"" + cniConf + "\"",
                "    [" + runtime + ".containerd]",
                "      default_runtime_name = \"runc\"",
                runtimes(runtime + ".containerd", dir),
                "      [" + runtime + ".containerd.runtimes." + SANDBOX_HANDLER + "]",
                "        runtime_type = \"io.containerd.wasmtime.v1\"",
                "        sandboxer = \"shim\"",
                "");
    }

    /** The handlers: runc, ours, and ours asking for systemd cgroups (refused, with what to change). */
    private static String runtimes(String containerd, Path dir) {
        return String.join("\n",
                "      [" + containerd + ".runtimes.runc]",
                "        runtime_type = \"io.containerd.runc.v2\"",
                "      [" + containerd + ".runtimes." + HANDLER + "]",
                "        runtime_type = \"io.containerd.wasmtime.v1\"",
                "      [" + containerd + ".runtimes." + SYSTEMD_HANDLER + "]",
                "        runtime_type = \"io.containerd.wasmtime.v1\"",
                "        [" + containerd + ".runtimes." + SYSTEMD_HANDLER + ".options]",
                // containerd 1.6 passes a non-runc runtime only the ConfigPath key of its options table.
                "          ConfigPath = \"" + dir.resolve("systemd-options.toml") + "\"");
    }

    public CriClient cri() {
        return cri;
    }

    /** ctr in containerd's {@code k8s.io} namespace, where CRI keeps its images and containers. */
    public Ctr ctr() {
        return ctr;
    }

    public Containerd containerd() {
        return containerd;
    }

    @Override
    public void close() {
        cri.close();
        try {
            containerd.close();
        } finally {
            deleteBridge();
        }
    }

    private static void deleteBridge() {
        if (!Files.exists(Path.of("/sys/class/net", BRIDGE))) return;
        try {
            Process p = new ProcessBuilder("ip", "link", "delete", BRIDGE).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The addresses of the pods' bridge on the host side that could route: none, by design. */
    static List<String> bridgeAddresses() {
        try {
            Process p = new ProcessBuilder("ip", "-o", "addr", "show", "dev", BRIDGE).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            // IPv4 addresses, and IPv6 beyond the link-local one the kernel gives every link (it routes nowhere).
            return out.lines().filter(l -> l.contains(" inet ") || (l.contains(" inet6 ") && !l.contains("scope link")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
