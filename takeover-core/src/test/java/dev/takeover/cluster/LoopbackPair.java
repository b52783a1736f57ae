package dev.takeover.cluster;

import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import java.util.List;

/**
 * Two nodes of a synchronously replicating cluster in this JVM, on loopback addresses 127.0.0.1 (n1) and 127.0.0.2
 * (n2), started one after the other. {@link #close()} stops n2, then n1.
 */
record LoopbackPair(ClusterNode n1, ClusterNode n2) implements AutoCloseable {

    /** Starts the pair as cluster {@code name}; if n2 cannot start, n1 is stopped again. */
    static LoopbackPair start(String name) {
        ClusterConfig config = TestClusters.loopback(name, List.of("127.0.0.1", "127.0.0.2"),
                CheckpointConfig.Replication.SYNC);
        ClusterNode n1 = ClusterNode.start(config, "n1");
        try {
            return new LoopbackPair(n1, ClusterNode.start(config, "n2"));
        } catch (RuntimeException e) {
            n1.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            n2.close();
        } finally {
            n1.close();
        }
    }
}
