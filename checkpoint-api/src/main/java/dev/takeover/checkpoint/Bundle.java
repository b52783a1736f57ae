package dev.takeover.checkpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checkpoints of related connections that a store writes atomically, as one unit: a survivor sees all of them or
 * none of them (the FTP control connection and its data connection, say). See {@link CheckpointStore#putBundle}.
 *
 * @param bundleId    a name for the unit, for diagnostics; not empty
 * @param checkpoints the checkpoints, at least one, each for a different connection; the list is copied
 */
public record Bundle(String bundleId, List<ConnectionCheckpoint> checkpoints) {

    /**
     * @throws NullPointerException     if an argument or element is {@code null}
     * @throws IllegalArgumentException if {@code bundleId} or {@code checkpoints} is empty, or two checkpoints share
     *                                  a connection
     */
    public Bundle {
        Objects.requireNonNull(bundleId, "bundleId");
        checkpoints = List.copyOf(checkpoints);
        if (bundleId.isEmpty()) {
            throw new IllegalArgumentException("bundleId must not be empty");
        }
        if (checkpoints.isEmpty()) {
            throw new IllegalArgumentException("bundle " + bundleId + " has no checkpoints");
        }
        Set<ConnectionId> seen = new HashSet<>();
        for (ConnectionCheckpoint c : checkpoints) {
            if (!seen.add(c.id())) {
                throw new IllegalArgumentException("bundle " + bundleId + " holds connection " + c.id() + " twice");
            }
        }
    }

    /** A bundle of the given checkpoints. */
    public static Bundle of(String bundleId, ConnectionCheckpoint... checkpoints) {
        return new Bundle(bundleId, List.of(checkpoints));
    }

    /** The connections of this bundle, in order. */
    public List<ConnectionId> ids() {
        return checkpoints.stream().map(ConnectionCheckpoint::id).toList();
    }
}
