package dev.takeover.cluster;

import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.checkpoint.CheckpointFormatException;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.PutResult;
import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal on three nodes in this JVM (127.0.0.1-3): n1's and n3's journals send without waiting, n2's waits for
 * every member. Each test begins with an emptied cache.
 */
class CheckpointJournalTest {

    private static final List<ClusterNode> NODES = new ArrayList<>();
    private static final List<CheckpointJournal> JOURNALS = new ArrayList<>();

    @BeforeAll
    static void start() {
        ClusterConfig config = TestClusters.loopback("journal", List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"),
                CheckpointConfig.Replication.SYNC);
        for (String n : List.of("n1", "n2", "n3")) {
            ClusterNode node = ClusterNode.start(config, n);
            NODES.add(node);
            JOURNALS.add(CheckpointJournal.open(node.channel(), node.checkpointCache(), node.replicatedStore().events(), n, n.equals("n2")));
        }
    }

    @AfterAll
    static void stop() {
        JOURNALS.forEach(CheckpointJournal::close);
        for (int i = NODES.size() - 1; i >= 0; i--) {
            NODES.get(i).close();
        }
    }

    @BeforeEach
    void empty() {
        NODES.getFirst().checkpointCache().clear();
    }

    private static CheckpointJournal journal(int node) {
        return JOURNALS.get(node - 1);
    }

    private static ReplicatedCheckpointStore replica(int node) {
        return NODES.get(node - 1).replicatedStore();
    }

    @Test
    void aRoundIsOnEveryReplicaOnceTheBarrierReturns() {
        List<PutResult> results = journal(1).putEachIfNewer(List.of(checkpoint(id(1), "n1", 1),
                checkpoint(id(2), "n1", 4)));
        journal(1).barrier();

        assertThat(results).containsOnly(PutResult.Stored.INSTANCE);
        for (int node = 1; node <= 3; node++) {
            assertThat(replica(node).get(id(1))).as("n%d", node).contains(checkpoint(id(1), "n1", 1));
            assertThat(replica(node).get(id(2))).as("n%d", node).contains(checkpoint(id(2), "n1", 4));
        }
    }

    @Test
    void aDurableRoundIsOnEveryReplicaWhenItReturns() {
        journal(2).putEachIfNewer(List.of(checkpoint(id(3), "n2", 2)));

        assertThat(replica(1).get(id(3))).contains(checkpoint(id(3), "n2", 2));
        assertThat(replica(3).get(id(3))).contains(checkpoint(id(3), "n2", 2));
    }

    @Test
    void anOlderVersionNeverReplacesANewerOneAndARoundSentAgainIsStoredAgain() {
        journal(1).putEachIfNewer(List.of(checkpoint(id(1), "n1", 5)));

        assertThat(journal(1).putEachIfNewer(List.of(checkpoint(id(1), "n1", 4))))
                .containsExactly(new PutResult.Stale(id(1), 5));
        assertThat(journal(1).putEachIfNewer(List.of(checkpoint(id(1), "n1", 5))))
                .as("the same version by the same owner: a round sent again after a failure")
                .containsExactly(PutResult.Stored.INSTANCE);
        journal(1).barrier();
        assertThat(journal(2).putEachIfNewer(List.of(checkpoint(id(1), "n2", 5))))
                .as("the same version by another owner").containsExactly(new PutResult.Stale(id(1), 5));
        assertThat(replica(3).get(id(1))).contains(checkpoint(id(1), "n1", 5));
    }

    @Test
    void aClaimFencesTheFormerOwnersRoundsOnEveryReplica() {
        journal(1).putEachIfNewer(List.of(checkpoint(id(1), "n1", 1)));
        journal(1).barrier();
        assertThat(replica(2).claim(id(1), "n2")).isInstanceOf(dev.takeover.checkpoint.ClaimResult.Claimed.class);

        assertThat(journal(1).putEachIfNewer(List.of(checkpoint(id(1), "n1", 2), checkpoint(id(2), "n1", 2))))
                .containsExactly(new PutResult.Fenced(id(1), "n2"), PutResult.Stored.INSTANCE);
        // A round that reaches a replica after the claim, as from a former owner whose replica had not seen it yet.
        journal(3).putEachIfNewer(List.of(checkpoint(id(1), "n3", 3)));
        journal(3).barrier();
        journal(1).barrier();
        for (int node = 1; node <= 3; node++) {
            assertThat(replica(node).get(id(1))).as("n%d", node).contains(checkpoint(id(1), "n1", 1));
            assertThat(replica(node).claimant(id(1))).as("n%d", node).contains("n2");
        }
        assertThat(journal(2).putEachIfNewer(List.of(checkpoint(id(1), "n2", 2))))
                .as("the claimant writes on").containsExactly(PutResult.Stored.INSTANCE);
    }

    @Test
    void removalsGoUpToTheirVersionOnEveryReplica() {
        journal(1).putEachIfNewer(List.of(checkpoint(id(1), "n1", 3), checkpoint(id(2), "n1", 7)));

        journal(1).removeEach(Map.of(id(1), 3L, id(2), 6L, id(9), 1L));
        journal(1).barrier();

        for (int node = 1; node <= 3; node++) {
            assertThat(replica(node).get(id(1))).as("n%d", node).isEmpty();
            assertThat(replica(node).get(id(2))).as("n%d: newer than the removal", node)
                    .contains(checkpoint(id(2), "n1", 7));
        }
    }

    @Test
    void listenersOfAReplicaHearWhatTheJournalWroteThere() throws Exception {
        java.util.concurrent.BlockingQueue<dev.takeover.checkpoint.CheckpointEvent> heard =
                new java.util.concurrent.LinkedBlockingQueue<>();
        try (dev.takeover.checkpoint.Registration r = replica(3).addListener(heard::add)) {
            journal(1).putEachIfNewer(List.of(checkpoint(id(7), "n1", 2)));
            journal(1).removeEach(Map.of(id(7), 2L));

            assertThat(heard.poll(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(new dev.takeover.checkpoint.CheckpointEvent.Stored(checkpoint(id(7), "n1", 2)));
            assertThat(heard.poll(10, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(new dev.takeover.checkpoint.CheckpointEvent.Removed(id(7), 2));
        }
    }

    @Test
    void roundsAreAppliedInTheOrderTheyWereSent() {
        ConnectionCheckpoint c = checkpoint(id(1), "n1", 1);
        for (int round = 0; round < 300; round++) {
            c = c.next("n1", c.checkpointTimeMillis() + 1, c.tcp(), c.http());
            journal(1).putEachIfNewer(List.of(c, checkpoint(id(2 + round % 50), "n1", 1 + round)));
        }
        journal(1).removeEach(Map.of(id(1), c.version()));
        journal(1).barrier();

        assertThat(replica(2).get(id(1))).as("a put overtaking the removal would bring it back").isEmpty();
        assertThat(replica(3).get(id(1))).isEmpty();
        assertThat(replica(3).get(id(51)).orElseThrow().version()).isEqualTo(300);
    }

    @Test
    void theWriteBehindStoreWaitsForTheReplicasBeforeAnOperationThatFollowsItsWrites() throws Exception {
        try (WriteBehindCheckpointStore behind = WriteBehindCheckpointStore.over(replica(1), journal(1), 3, "n1",
                Duration.ofMillis(2))) {
            for (int v = 1; v <= 50; v++) {
                behind.putIfNewer(checkpoint(id(1), "n1", v));
            }
            assertThat(behind.awaitEmpty(Duration.ofSeconds(10))).isTrue();

            assertThat(behind.remove(id(1), 50)).isTrue();

            for (int node = 1; node <= 3; node++) {
                assertThat(replica(node).get(id(1))).as("n%d", node).isEmpty();
            }
        }
    }

    @Test
    void aRoundThatIsNotOneIsRefused() {
        byte[] round = CheckpointJournal.encode(List.of(new CheckpointJournal.Remove("k", 1),
                new CheckpointJournal.Put("p", 2, "n1", new byte[] {1, 2, 3})));
        List<CheckpointJournal.Op> back = CheckpointJournal.decode(round, 0, round.length);
        assertThat(back.get(0)).isEqualTo(new CheckpointJournal.Remove("k", 1));
        assertThat(((CheckpointJournal.Put) back.get(1)).entry()).containsExactly(1, 2, 3);

        assertThatThrownBy(() -> CheckpointJournal.decode(round, 0, round.length - 1))
                .isInstanceOf(CheckpointFormatException.class);
        round[0] = 9;
        assertThatThrownBy(() -> CheckpointJournal.decode(round, 0, round.length))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining("format 9");
    }
}
