package dev.takeover.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects one state per layer, then builds a {@link ConnectionCheckpoint}. Every layer must be given exactly once.
 * Not thread-safe: a builder lives for one checkpoint on one thread.
 */
public final class CheckpointBuilder {

    private final String ownerNode;
    private final long version;
    private final long checkpointTimeMillis;
    private IpLayer ip;
    private TcpLayer tcp;
    private HttpLayer http;

    /**
     * @throws IllegalArgumentException as {@link ConnectionCheckpoint} would for these values (checked at build)
     */
    public CheckpointBuilder(String ownerNode, long version, long checkpointTimeMillis) {
        this.ownerNode = Objects.requireNonNull(ownerNode, "ownerNode");
        this.version = version;
        this.checkpointTimeMillis = checkpointTimeMillis;
    }

    /**
     * Sets the state of the layer {@code state} belongs to.
     *
     * @throws IllegalStateException if that layer was already given
     */
    public CheckpointBuilder layer(LayerState state) {
        switch (Objects.requireNonNull(state, "state")) {
            case IpLayer l -> ip = once(ip, l, "IP");
            case TcpLayer l -> tcp = once(tcp, l, "TCP");
            case HttpLayer l -> http = once(http, l, "HTTP");
        }
        return this;
    }

    /** The checkpoint of the layers given. @throws IllegalStateException naming the layers not given */
    public ConnectionCheckpoint build() {
        List<String> missing = new ArrayList<>();
        if (ip == null) {
            missing.add("IP");
        }
        if (tcp == null) {
            missing.add("TCP");
        }
        if (http == null) {
            missing.add("HTTP");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("checkpoint lacks layers " + missing);
        }
        return new ConnectionCheckpoint(ownerNode, version, checkpointTimeMillis, ip, tcp, http);
    }

    private static <T extends LayerState> T once(T current, T next, String layer) {
        if (current != null) {
            throw new IllegalStateException(layer + " layer appended twice: " + current + " then " + next);
        }
        return next;
    }
}
