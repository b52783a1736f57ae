package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreContract;
import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against a two-node cluster in this JVM (loopback addresses 127.0.0.1 and 127.0.0.2): the
 * contract's {@code store} is node n1's view, its {@code peer} node n2's, so half of the operations cross the
 * cluster. The nodes start once for the class; each test begins with an emptied cache.
 */
class ReplicatedCheckpointStoreTest extends CheckpointStoreContract {

    private static ClusterNode n1;
    private static ClusterNode n2;

    @BeforeAll
    static void startCluster() {
        ClusterConfig config = TestClusters.loopback("contract", List.of("127.0.0.1", "127.0.0.2"),
                CheckpointConfig.Replication.SYNC);
        n1 = ClusterNode.start(config, "n1");
        n2 = ClusterNode.start(config, "n2");
    }

    @AfterAll
    static void stopCluster() {
        if (n2 != null) {
            n2.close();
        }
        if (n1 != null) {
            n1.close();
        }
    }

    @Override
    protected CheckpointStore newStore() {
        n1.checkpointCache().clear();
        return new ReplicatedCheckpointStore(n1.checkpointCache(), "n1");
    }

    @Override
    protected CheckpointStore peerOf(CheckpointStore store) {
        return new ReplicatedCheckpointStore(n2.checkpointCache(), "n2");
    }
}
