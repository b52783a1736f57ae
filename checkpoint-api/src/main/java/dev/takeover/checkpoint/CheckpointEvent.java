package dev.takeover.checkpoint;

import java.util.Objects;

/** A change in a {@link CheckpointStore}, delivered to {@link CheckpointListener}s. */
public sealed interface CheckpointEvent permits CheckpointEvent.Stored, CheckpointEvent.Removed {

    /** The connection the change concerns. */
    ConnectionId id();

    /**
     * {@code checkpoint} became the stored checkpoint of its connection (by {@code putIfNewer} or
     * {@code putBundle}; one event per bundle entry).
     *
     * @param checkpoint the checkpoint now stored
     */
    record Stored(ConnectionCheckpoint checkpoint) implements CheckpointEvent {
        public Stored {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }

        @Override
        public ConnectionId id() {
            return checkpoint.id();
        }
    }

    /**
     * The checkpoint of {@code id} was removed.
     *
     * @param id      the connection
     * @param version the version that was stored when it was removed
     */
    record Removed(ConnectionId id, long version) implements CheckpointEvent {
        public Removed {
            Objects.requireNonNull(id, "id");
        }
    }
}
