package dev.wasmj.libcontainer.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a claim ({@link PrestartedInit#handOver}), sent with its fds: the slot of each fd, comma-separated,
 * and, when the last fd is a detached mount tree, {@link #MOUNT} and the path to attach it at. E.g.
 * {@code 1,2,4,5,6,7,8|/run/.../rootfs}.
 *
 * @param slots the fd slot ({@link InitFds}) of each fd, in order
 * @param mountAt where the tree (the fd after the slotted ones) goes, or null
 */
public record ClaimMessage(List<Integer> slots, String mountAt) {
    static final String MOUNT = "|";

    public static ClaimMessage parse(byte[] payload, int length) {
        String text = new String(payload, 0, length, StandardCharsets.UTF_8);
        int bar = text.indexOf(MOUNT);
        String mountAt = bar < 0 ? null : text.substring(bar + 1);
        List<Integer> slots = new ArrayList<>();
        for (String s : (bar < 0 ? text : text.substring(0, bar)).split(",")) {
            int slot = Integer.parseInt(s.trim());
            if (slot < 1 || slot == InitFds.SYNC) throw new IllegalArgumentException("claim: fd slot " + slot + " is not one to fill");
            slots.add(slot);
        }
        if (mountAt != null && !mountAt.startsWith("/")) throw new IllegalArgumentException("claim: mount path " + mountAt + " is not absolute");
        return new ClaimMessage(slots, mountAt);
    }
}
