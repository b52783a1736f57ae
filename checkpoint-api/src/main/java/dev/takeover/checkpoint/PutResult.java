package dev.takeover.checkpoint;

import java.util.Objects;

/**
 * The outcome of {@link CheckpointStore#putIfNewer} and {@link CheckpointStore#putBundle}.
 */
public sealed interface PutResult permits PutResult.Stored, PutResult.Stale, PutResult.Fenced {

    /** Whether the write took effect. */
    default boolean stored() {
        return this instanceof Stored;
    }

    /** The checkpoint (or every checkpoint of the bundle) is now the stored one. */
    record Stored() implements PutResult {
        /** The one instance. */
        public static final Stored INSTANCE = new Stored();
    }

    /**
     * Nothing was written: the store already holds version {@code currentVersion >=} the offered one for {@code id}.
     * {@code currentVersion} equal to the offered version usually means an earlier attempt of the same write
     * succeeded (a retry after a {@link CheckpointStoreException}).
     *
     * @param id             the connection whose stored checkpoint is as new or newer
     * @param currentVersion the version stored for it
     */
    record Stale(ConnectionId id, long currentVersion) implements PutResult {
        public Stale {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * Nothing was written: {@code id} is {@linkplain CheckpointStore#claim claimed} by another node than the
     * checkpoint's owner; only the claimant may write it now. The writer has lost the connection.
     *
     * @param id        the claimed connection
     * @param claimedBy the node holding the claim
     */
    record Fenced(ConnectionId id, String claimedBy) implements PutResult {
        public Fenced {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(claimedBy, "claimedBy");
        }
    }
}
