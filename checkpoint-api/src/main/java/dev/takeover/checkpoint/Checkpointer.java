package dev.takeover.checkpoint;

import java.util.List;
import java.util.Objects;

/**
 * Takes the checkpoints of one connection: asks each layer, bottom up, to append its state, and numbers the results
 * with increasing versions. A connection taken over continues from the version it was claimed at, so the
 * survivor's checkpoints replace the dead owner's in the store.
 *
 * <pre>{@code
 * Checkpointer cp = new Checkpointer("node-a", Checkpointer.startingVersion(clock.millis()), List.of(
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

    /** Versions a connection may take per millisecond of its accept time: see {@link #startingVersion}. */
    static final long VERSIONS_PER_MILLI = 1 << 16;

    /**
     * The version a connection accepted at {@code acceptMillis} counts from: 65 536 per millisecond since 1970.
     *
     * <p>A client may open a new connection from the port of one that just closed, to the same address: the same
     * {@link ConnectionId}, so the same entry in the store. Counting from 0, the new connection's checkpoints would be
     * older than the closed one's, and refused until that one's removal was written. Counting from the accept time, a
     * later connection's checkpoints are newer than an earlier one's on the same four-tuple, unless the earlier took
     * more than 65 536 checkpoints per millisecond between the two accepts, or the two accepting nodes' clocks differ
     * by more than that time. Accept times until about the year 4 200 leave half of a {@code long} for the checkpoints.
     *
     * @throws IllegalArgumentException if {@code acceptMillis} is negative or after about the year 4 200
     */
    public static long startingVersion(long acceptMillis) {
        if (acceptMillis < 0 || acceptMillis > Long.MAX_VALUE / VERSIONS_PER_MILLI / 2) {
            throw new IllegalArgumentException("accept time out of range: " + acceptMillis);
        }
        return acceptMillis * VERSIONS_PER_MILLI;
    }

    /**
     * @param ownerNode   the node serving the connection
     * @param lastVersion the version of the latest checkpoint of this connection (the first one taken is this + 1):
     *                    {@link #startingVersion} for a new connection, the claimed version after a takeover
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
