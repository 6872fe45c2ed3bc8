package dev.wasmj.libcontainer.init;

import dev.wasmj.libcontainer.process.ClaimMessage;
import dev.wasmj.libcontainer.process.InitFds;
import dev.wasmj.libcontainer.syscall.CloneFlags;
import dev.wasmj.libcontainer.syscall.Syscalls;
import java.util.HashSet;
import java.util.Set;

/**
 * A pre-started init's wait for its container ({@link dev.wasmj.libcontainer.process.PrestartedInit}): one message
 * on the sync socket carries the container's fds and the slot of each ({@link ClaimMessage}). Each goes to its slot
 * ({@link InitFds}), where the spawn left /dev/null so that no file of the JVM's took it; a start or console slot
 * the container does not use is closed, as a fresh init would not have it. A network namespace that came with them
 * (a pod sandbox's) is joined by the calling thread, the init's main thread, which sets the container up and execs
 * its program; mount trees (the rootfs, a bind source mounted after this init was born) are attached in this init's
 * mount namespace at the paths they had in the runtime's.
 */
final class ClaimedFds {
    private ClaimedFds() {}

    /** Blocks until the claim; null when the runtime closed the socket instead. */
    static ClaimMessage await(Syscalls sys) {
        int[] fds = new int[64];
        byte[] payload = new byte[4096];
        int length = sys.recvFds(InitFds.SYNC, fds, payload);
        if (length == 0) return null;
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
        if (claim.joinsNetwork()) {
            int ns = fds[claim.networkIndex()];
            if (ns < 0) throw new IllegalStateException("claim: no network namespace");
            try {
                sys.setns(ns, CloneFlags.NEWNET); // this thread only: the JVM's others stay where it was born
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot join the pod's network namespace: " + e.getMessage(), e);
            } finally {
                sys.close(ns);
            }
        }
        for (int i = 0; i < claim.mountsAt().size(); i++) {
            String at = claim.mountsAt().get(i);
            int tree = fds[claim.treeIndex(i)];
            if (tree < 0) throw new IllegalStateException("claim: no mount tree for " + at);
            try {
                sys.moveMount(tree, at);
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot attach the mount of " + at + ": " + e.getMessage(), e);
            } finally {
                sys.close(tree);
            }
        }
        return claim;
    }
}
