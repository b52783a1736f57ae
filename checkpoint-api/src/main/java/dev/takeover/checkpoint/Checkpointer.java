package dev.takeover.checkpoint;

import java.util.List;
import java.util.Objects;

/**
 * Takes the checkpoints of one connection: asks each layer, bottom up, to append its state, and numbers the results
 * with increasing versions. A connection taken over continues from the version it was claimed at, so the
 * survivor's checkpoints replace the dead owner's in the store.
 *
 * <pre>{@code
 * Checkpointer cp = new Checkpointer("node-a", 0, List.of(
 *         LayerAppender.constant(ipLayer), LayerAppender.constant(tcpLayer), httpProgress));
 * store.putIfNewer(cp.checkpoint(clock.millis()));
 * }</pre>
 *
 * <p>Not thread-safe: used by the thread that serves the connection.
 */
public final class Checkpointer {

    private final String ownerNode;
    private final List<LayerAppender> layers;
    private long lastVersion;

    /**
     * @param ownerNode   the node serving the connection
     * @param lastVersion the version of the latest checkpoint of this connection (the first one taken is this + 1);
     *                    {@code 0} for a new connection, the claimed version after a takeover
     * @param layers      the connection's layers, bottom up; together they must append each layer exactly once
     */
    public Checkpointer(String ownerNode, long lastVersion, List<LayerAppender> layers) {
        this.ownerNode = Objects.requireNonNull(ownerNode, "ownerNode");
        this.layers = List.copyOf(layers);
        if (ownerNode.isEmpty()) {
            throw new IllegalArgumentException("ownerNode must not be empty");
        }
        if (lastVersion < 0) {
            throw new IllegalArgumentException("lastVersion must be >= 0: " + lastVersion);
        }
        this.lastVersion = lastVersion;
    }

    /**
     * The connection's state now, with the next version.
     *
     * @param nowMillis wall-clock time of the checkpoint, epoch millis
     * @throws IllegalStateException if the layers did not append each layer exactly once (the version is not used)
     */
    public ConnectionCheckpoint checkpoint(long nowMillis) {
        CheckpointBuilder builder = new CheckpointBuilder(ownerNode, lastVersion + 1, nowMillis);
        for (LayerAppender layer : layers) {
            layer.append(builder);
        }
        ConnectionCheckpoint c = builder.build();
        lastVersion = c.version();
        return c;
    }

    /** The version of the latest checkpoint taken (or the starting version if none was). */
    public long lastVersion() {
        return lastVersion;
    }
}
