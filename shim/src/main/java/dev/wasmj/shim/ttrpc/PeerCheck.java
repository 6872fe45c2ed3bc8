package dev.wasmj.shim.ttrpc;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;

/**
 * Who may talk to the server: root, or the user who owns the socket file (containerd runs as root and
 * so does the shim it starts; a rootless setup runs both as the same user). The kernel reports the peer
 * (SO_PEERCRED) and the JDK turns uids into {@link UserPrincipal}s, so users are compared as principals.
 */
public final class PeerCheck {
    private final UserPrincipal owner;
    private final UserPrincipal root; // null when this system has no user named root

    PeerCheck(UserPrincipal owner, UserPrincipal root) {
        this.owner = owner;
        this.root = root;
    }

    /** A check for a socket owned by {@code owner}, with root looked up from the system's users. */
    public static PeerCheck forOwner(UserPrincipal owner) {
        UserPrincipal root;
        try {
            root = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
        } catch (IOException | UnsupportedOperationException e) {
            root = null; // then only the owner is let in, which is the safe side
        }
        return new PeerCheck(owner, root);
    }

    /** Why {@code peer} is refused, or empty if it may connect. */
    public Optional<String> refusal(UserPrincipal peer) {
        if (peer == null) return Optional.of("the peer's credentials are unknown");
        if (peer.equals(owner) || peer.equals(root)) return Optional.empty();
        return Optional.of("user " + peer.getName() + " is neither root nor the socket's owner " + owner.getName());
    }
}
