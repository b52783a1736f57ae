package dev.takeover.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.infinispan.AdvancedCache;
import org.infinispan.context.Flag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which merges make a node adopt the majority's replicas, and the adoption itself on a two-node cluster in this JVM
 * (loopback 127.0.0.1-2) whose n2 replica is made to differ, as a failed conflict resolution would leave it.
 */
class RejoinResyncTest {

    private static LoopbackPair cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LoopbackPair.start("resync");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNodeBackFromTheMinorityTrustsTheOtherSide() {
        MembershipEvent.Merged merged = new MembershipEvent.Merged(View.of(4, List.of("n1", "n2", "n3")),
                List.of(View.of(-1, List.of("n3")), View.of(-1, List.of("n1", "n2"))));

        assertThat(RejoinResync.majoritySide(merged, "n3", 2)).contains(Set.of("n1", "n2"));
        assertThat(RejoinResync.majoritySide(merged, "n1", 2)).as("the majority's own side").isEmpty();
    }

    @Test
    void noSideIsTrustedWhenNoneHadAMajorityOrTheMergeIsStillAMinority() {
        MembershipEvent.Merged ofSingles = new MembershipEvent.Merged(View.of(7, List.of("n1", "n2", "n3", "n4")),
                List.of(View.of(-1, List.of("n1", "n2")), View.of(-1, List.of("n3", "n4"))));
        MembershipEvent.Merged stillMinority = new MembershipEvent.Merged(View.of(8, List.of("n1", "n2")),
                List.of(View.of(-1, List.of("n1")), View.of(-1, List.of("n2"))));

        assertThat(RejoinResync.majoritySide(ofSingles, "n1", 3)).as("two halves of four").isEmpty();
        assertThat(RejoinResync.majoritySide(stillMinority, "n1", 3)).as("two of five").isEmpty();
    }

    @Test
    void theRejoinedReplicaTakesTheMajoritysValuesAndRemovalsAndLeavesTheOthersAlone() {
        AdvancedCache<String, byte[]> majority = cluster.n1().checkpointCache().getAdvancedCache();
        AdvancedCache<String, byte[]> rejoined = cluster.n2().checkpointCache().getAdvancedCache();
        majority.clear();
        majority.put("same", bytes("a"));
        majority.put("newer", bytes("v7"));
        majority.put("missed", bytes("written while apart"));
        AdvancedCache<String, byte[]> stale = rejoined.withFlags(Flag.CACHE_MODE_LOCAL);
        stale.put("newer", bytes("v1"));
        stale.remove("missed");
        stale.put("removed", bytes("closed while apart"));

        int adopted = RejoinResync.adoptMajority(rejoined, Set.of("n1"));

        assertThat(adopted).isEqualTo(3);
        AdvancedCache<String, byte[]> n2Local = rejoined.withFlags(Flag.CACHE_MODE_LOCAL);
        AdvancedCache<String, byte[]> n1Local = majority.withFlags(Flag.CACHE_MODE_LOCAL);
        for (String key : List.of("same", "newer", "missed")) {
            assertThat(n2Local.get(key)).as(key).isEqualTo(n1Local.get(key));
        }
        assertThat(n2Local.containsKey("removed")).isFalse();
        assertThat(n1Local.keySet()).containsExactlyInAnyOrder("same", "newer", "missed");
        assertThat(RejoinResync.adoptMajority(rejoined, Set.of("n1"))).as("nothing differs any more").isZero();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
