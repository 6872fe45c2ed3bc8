package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.process.ClaimMessage;
import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.util.HashSet;
import java.util.Set;

/**
 * A pre-started init's wait for its container ({@link dev.wasmj.libcontainer.process.PrestartedInit}): one message
 * on the sync socket carries the container's fds and the slot of each ({@link ClaimMessage}). Each goes to its slot
 * ({@link InitFds}), where the spawn left /dev/null so that no file of the JVM's took it; a start or console slot
 * the container does not use is closed, as a fresh init would not have it. A mount tree that came with them (the
 * rootfs) is attached in this init's mount namespace.
 */
final class ClaimedFds {
    private ClaimedFds() {}

    /** Blocks until the claim; false when the runtime closed the socket instead. */
    static boolean await(Syscalls sys) {
        int[] fds = new int[64];
        byte[] payload = new byte[4096];
        int length = sys.recvFds(InitFds.SYNC, fds, payload);
        if (length == 0) return false;
        ClaimMessage claim = ClaimMessage.parse(payload, length);
        Set<Integer> filled = new HashSet<>();
        for (int i = 0; i < claim.slots().size(); i++) {
            int slot = claim.slots().get(i);
            if (fds[i] < 0) throw new IllegalStateException("claim: no fd for slot " + slot);
            sys.dup2(fds[i], slot);
            sys.close(fds[i]);
            filled.add(slot);
        }
        for (int slot = InitFds.START_GATE; slot <= InitFds.CONSOLE_SOCKET; slot++) {
            if (!filled.contains(slot)) sys.close(slot);
        }
        if (claim.mountAt() != null) {
            int tree = fds[claim.slots().size()];
            if (tree < 0) throw new IllegalStateException("claim: no mount tree for " + claim.mountAt());
            try {
                sys.moveMount(tree, claim.mountAt());
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot attach the rootfs at " + claim.mountAt() + ": " + e.getMessage(), e);
            } finally {
                sys.close(tree);
            }
        }
        return true;
    }
}
