package dev.takeover.checkpoint;

import java.util.Objects;

/**
 * One protocol layer's part in checkpointing a connection: when a checkpoint is taken, each layer appends its own
 * state to the builder. A layer whose state never changes after accept (IP, usually TCP) is a {@link #constant};
 * a layer whose state moves (HTTP, see {@link HttpProgress}) is a small class owning that state.
 *
 * <p>Appenders of one connection are called from the thread that serves the connection, never concurrently.
 */
@FunctionalInterface
public interface LayerAppender {

    /** Adds this layer's current state to {@code builder}. */
    void append(CheckpointBuilder builder);

    /** An appender that always contributes {@code state}. */
    static LayerAppender constant(LayerState state) {
        Objects.requireNonNull(state, "state");
        return builder -> builder.layer(state);
    }
}
