package dev.takeover.cluster;

import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreContract;
import dev.takeover.checkpoint.PutResult;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract against a two-node cluster in this JVM (loopback addresses 127.0.0.1 and 127.0.0.2): the
 * contract's {@code store} is node n1's view, its {@code peer} node n2's, so half of the operations cross the
 * cluster. The nodes start once for the class; each test begins with an emptied cache.
 */
class ReplicatedCheckpointStoreTest extends CheckpointStoreContract {

    private static LoopbackPair cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LoopbackPair.start("contract");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected CheckpointStore newStore() {
        cluster.n1().checkpointCache().clear();
        return new ReplicatedCheckpointStore(cluster.n1().checkpointCache(), "n1");
    }

    @Override
    protected CheckpointStore peerOf(CheckpointStore store) {
        return new ReplicatedCheckpointStore(cluster.n2().checkpointCache(), "n2");
    }

    @Test
    void aBatchDecidesEachCheckpointOnItsOwnInOneTransaction() {
        store.putIfNewer(checkpoint(id(2), "node-a", 5));
        store.putIfNewer(checkpoint(id(3), "node-a", 1));
        store.claim(id(3), "node-b");
        ReplicatedCheckpointStore replicated = (ReplicatedCheckpointStore) store;

        List<PutResult> results = replicated.putEachIfNewer(List.of(checkpoint(id(1), "node-a", 1),
                checkpoint(id(2), "node-a", 4), checkpoint(id(3), "node-a", 2), checkpoint(id(4), "node-a", 9)));

        assertThat(results).containsExactly(PutResult.Stored.INSTANCE, new PutResult.Stale(id(2), 5),
                new PutResult.Fenced(id(3), "node-b"), PutResult.Stored.INSTANCE);
        assertThat(peer.get(id(1))).contains(checkpoint(id(1), "node-a", 1));
        assertThat(peer.get(id(4))).contains(checkpoint(id(4), "node-a", 9));
        assertThat(peer.get(id(2)).orElseThrow().version()).isEqualTo(5);
        assertThatThrownBy(() -> replicated.putEachIfNewer(List.of(checkpoint(id(1), "node-a", 2),
                checkpoint(id(1), "node-a", 3)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBatchOfRemovalsRemovesEachUpToItsVersionAcrossTheCluster() {
        store.putIfNewer(checkpoint(id(1), "node-a", 3));
        store.putIfNewer(checkpoint(id(2), "node-a", 7));
        store.putIfNewer(checkpoint(id(3), "node-a", 1));
        store.claim(id(3), "node-b");
        ReplicatedCheckpointStore replicated = (ReplicatedCheckpointStore) store;

        int removed = replicated.removeEach(java.util.Map.of(id(1), 3L, id(2), 6L, id(3), 1L, id(4), 9L));

        assertThat(removed).as("id 2 is newer, id 4 was never there").isEqualTo(2);
        assertThat(peer.get(id(1))).isEmpty();
        assertThat(peer.get(id(2))).contains(checkpoint(id(2), "node-a", 7));
        assertThat(peer.get(id(3))).as("a removal is not fenced by a claim").isEmpty();
        assertThat(peer.claimant(id(3))).isEmpty();
        assertThat(replicated.removeEach(java.util.Map.of())).isZero();
    }
}
