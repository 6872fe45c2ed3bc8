package dev.wasmj.libcontainer.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a claim ({@link PrestartedInit#handOver}), sent with its fds: the slot of each fd, comma-separated;
 * {@link #NETWORK} when the next fd is a network namespace for the init's main thread to join; then, for each of the
 * last fds, detached mount trees, {@link #MOUNT} and the path to attach it at. E.g.
 * {@code 1,2,4,5,6,7,8+net|/run/.../shm|/run/.../rootfs}. A path holding {@link #MOUNT} cannot be sent.
 *
 * @param slots the fd slot ({@link InitFds}) of each fd, in order
 * @param joinsNetwork whether the fd after the slotted ones is a network namespace to join
 * @param mountsAt where each tree goes, in the order of their fds
 */
public record ClaimMessage(List<Integer> slots, boolean joinsNetwork, List<String> mountsAt) {
    static final String MOUNT = "|";
    static final String NETWORK = "+net";

    public ClaimMessage {
        slots = List.copyOf(slots);
        mountsAt = List.copyOf(mountsAt);
    }

    /** The text for these slots, network namespace and mount paths. */
    static String format(List<Integer> slots, boolean joinsNetwork, List<String> mountsAt) {
        StringBuilder text = new StringBuilder();
        for (int slot : slots) text.append(text.length() == 0 ? "" : ",").append(slot);
        if (joinsNetwork) text.append(NETWORK);
        for (String path : mountsAt) {
            if (path.contains(MOUNT)) throw new IllegalArgumentException("claim: a mount path holding " + MOUNT + ": " + path);
            text.append(MOUNT).append(path);
        }
        return text.toString();
    }

    public static ClaimMessage parse(byte[] payload, int length) {
        String text = new String(payload, 0, length, StandardCharsets.UTF_8);
        String[] parts = text.split("\\" + MOUNT, -1);
        String head = parts[0];
        List<String> mountsAt = List.of(parts).subList(1, parts.length);
        boolean network = head.endsWith(NETWORK);
        if (network) head = head.substring(0, head.length() - NETWORK.length());
        List<Integer> slots = new ArrayList<>();
        for (String s : head.split(",")) {
            int slot = Integer.parseInt(s.trim());
            if (slot < 1 || slot == InitFds.SYNC) throw new IllegalArgumentException("claim: fd slot " + slot + " is not one to fill");
            slots.add(slot);
        }
        for (String mountAt : mountsAt) {
            if (!mountAt.startsWith("/")) throw new IllegalArgumentException("claim: mount path " + mountAt + " is not absolute");
        }
        return new ClaimMessage(slots, network, mountsAt);
    }

    /** The index among the claim's fds of the network namespace (if {@link #joinsNetwork}). */
    public int networkIndex() {
        return slots.size();
    }

    /** The index among the claim's fds of the tree to attach at {@code mountsAt().get(i)}. */
    public int treeIndex(int i) {
        return slots.size() + (joinsNetwork ? 1 : 0) + i;
    }
}
