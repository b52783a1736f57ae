package dev.takeover.checkpoint;

import java.util.Objects;

/**
 * Everything a survivor needs to take over one client connection: one state per layer plus who wrote it and when.
 *
 * <p>{@link #version()} orders the checkpoints of one connection: a store keeps the highest and refuses older ones
 * ({@link CheckpointStore#putIfNewer}). The writer increments it on every checkpoint of the connection; a node that
 * takes a connection over continues from the version it claimed.
 *
 * <p>The connection's identity is not a separate field: it is the IP layer's 4-tuple ({@link #id()}), so the two can
 * never disagree.
 *
 * @param ownerNode            name of the node that serves the connection and wrote this checkpoint; not empty
 * @param version              per-connection version, >= 0, increasing with every checkpoint of the connection
 * @param checkpointTimeMillis wall-clock time of the checkpoint, epoch millis, >= 0
 * @param ip                   the IP layer
 * @param tcp                  the TCP layer
 * @param http                 the HTTP layer
 */
public record ConnectionCheckpoint(String ownerNode, long version, long checkpointTimeMillis, IpLayer ip,
                                   TcpLayer tcp, HttpLayer http) {

    /**
     * @throws NullPointerException     if any reference is {@code null}
     * @throws IllegalArgumentException if {@code ownerNode} is empty or a number is negative
     */
    public ConnectionCheckpoint {
        Objects.requireNonNull(ownerNode, "ownerNode");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(tcp, "tcp");
        Objects.requireNonNull(http, "http");
        if (ownerNode.isEmpty()) {
            throw new IllegalArgumentException("ownerNode must not be empty");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0: " + version);
        }
        if (checkpointTimeMillis < 0) {
            throw new IllegalArgumentException("checkpointTimeMillis must be >= 0: " + checkpointTimeMillis);
        }
    }

    /** The connection this checkpoint describes (the IP layer's 4-tuple). */
    public ConnectionId id() {
        return ip.id();
    }

    /** The virtual IP the connection belongs to. */
    public java.net.Inet4Address vip() {
        return ip.vip();
    }

    /** The next checkpoint of the same connection: owner and layers given, version + 1. */
    public ConnectionCheckpoint next(String owner, long timeMillis, TcpLayer tcpLayer, HttpLayer httpLayer) {
        return new ConnectionCheckpoint(owner, version + 1, timeMillis, ip, tcpLayer, httpLayer);
    }
}
