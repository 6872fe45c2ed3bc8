package dev.wasmj.shim.sandbox;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.wasmj.libcontainer.container.Sysctls;
import dev.wasmj.shim.proto.cri.LinuxPodSandboxConfig;
import dev.wasmj.shim.proto.cri.NamespaceMode;
import dev.wasmj.shim.proto.cri.NamespaceOption;
import dev.wasmj.shim.proto.cri.PodSandboxConfig;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a pod needs of the process holding its namespaces, read from the kubelet's PodSandboxConfig (which
 * containerd passes as CreateSandbox's options): the hostname, which namespaces the pod has of its own
 * (network, ipc and uts unless it uses the node's; pid when its containers share one), sysctls, and the
 * pod's cgroup.
 *
 * @param ownNetwork whether the pod has a network namespace (CRI made it: netns_path); else the node's
 * @param ownIpc whether the pod gets a new ipc namespace; else the node's
 * @param sharedPid whether the pod's containers share one pid namespace (shareProcessNamespace)
 */
public record PodConfig(String name, String hostname, boolean ownNetwork, boolean ownIpc, boolean sharedPid,
        Map<String, String> sysctls, String cgroupParent) {
    /** How containerd's typeurl names the CRI message (its proto full name, no prefix). */
    public static final String TYPE_URL = "runtime.v1.PodSandboxConfig";

    public PodConfig {
        sysctls = Map.copyOf(new TreeMap<>(sysctls));
    }

    /**
     * The pod's config from CreateSandbox's options; defaults (new namespaces, no hostname) when containerd sent
     * none. A pod this shim cannot hold (a user namespace, a sysctl outside the pod's namespaces) is refused,
     * naming the field.
     */
    public static PodConfig from(Optional<Any> options, boolean hasNetns) throws PodException {
        if (options.isEmpty() || options.get().getTypeUrl().isEmpty()) {
            return new PodConfig("", "", hasNetns, true, false, Map.of(), "");
        }
        Any any = options.get();
        String type = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
        if (!type.equals(TYPE_URL)) {
            throw new PodException("CreateSandbox: options are " + any.getTypeUrl() + ", expected " + TYPE_URL
                    + " (the kubelet's pod config, as CRI sends it)");
        }
        PodSandboxConfig pod;
        try {
            pod = PodSandboxConfig.parseFrom(any.getValue());
        } catch (InvalidProtocolBufferException e) {
            throw new PodException("CreateSandbox: unreadable " + TYPE_URL + ": " + e.getMessage());
        }
        LinuxPodSandboxConfig linux = pod.getLinux();
        NamespaceOption ns = linux.getSecurityContext().getNamespaceOptions();
        if (ns.hasUsernsOptions() && ns.getUsernsOptions().getMode() == NamespaceMode.POD) {
            throw new PodException("pod " + pod.getMetadata().getName() + ": a pod user namespace (hostUsers: false) is"
                    + " not supported by this shim's sandbox API yet; use a handler with the pause container"
                    + " (sandboxer = \"podsandbox\")", true);
        }
        boolean ownNetwork = ns.getNetwork() != NamespaceMode.NODE;
        boolean ownIpc = ns.getIpc() != NamespaceMode.NODE;
        for (String key : linux.getSysctlsMap().keySet()) {
            Optional<String> namespace = Sysctls.namespaceOf(key);
            boolean own = namespace.map(n -> n.equals("ipc") ? ownIpc : ownNetwork && hasNetns).orElse(false);
            if (!own) {
                throw new PodException("pod " + pod.getMetadata().getName() + ": sysctl " + key + " is not in a namespace"
                        + " of the pod's own: setting it would change the node");
            }
        }
        return new PodConfig(pod.getMetadata().getName(), ownNetwork ? pod.getHostname() : "", ownNetwork, ownIpc,
                ns.getPid() == NamespaceMode.POD, linux.getSysctlsMap(), linux.getCgroupParent());
    }

    /** A pod the shim cannot make as asked; {@link #unsupported} ones answer UNIMPLEMENTED, the others a bad argument. */
    public static final class PodException extends Exception {
        private final boolean unsupported;

        PodException(String message) {
            this(message, false);
        }

        PodException(String message, boolean unsupported) {
            super(message);
            this.unsupported = unsupported;
        }

        public boolean unsupported() {
            return unsupported;
        }
    }
}
