package dev.takeover.checkpoint;

import java.util.Objects;

/** The outcome of {@link CheckpointStore#claim}. */
public sealed interface ClaimResult permits ClaimResult.Claimed, ClaimResult.AlreadyClaimed, ClaimResult.NotFound {

    /**
     * The caller holds the claim and may take the connection over from {@code checkpoint}, the stored checkpoint at
     * the moment of the claim (no writer other than the claimant can replace it while the claim holds).
     *
     * @param checkpoint the checkpoint to resume from
     */
    record Claimed(ConnectionCheckpoint checkpoint) implements ClaimResult {
        public Claimed {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
    }

    /**
     * Another node claimed the connection first.
     *
     * @param byNode the claimant
     */
    record AlreadyClaimed(String byNode) implements ClaimResult {
        public AlreadyClaimed {
            Objects.requireNonNull(byNode, "byNode");
        }
    }

    /** No checkpoint is stored for the connection (never written, or removed): there is nothing to take over. */
    record NotFound() implements ClaimResult {
        /** The one instance. */
        public static final NotFound INSTANCE = new NotFound();
    }
}
