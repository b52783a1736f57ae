package dev.takeover.cluster;

import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One node of a three-node cluster file, started alone in this JVM on 127.0.0.1. */
class ClusterNodeTest {

    private static final ClusterConfig THREE = TestClusters.loopback("single",
            List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"), CheckpointConfig.Replication.SYNC);

    @Test
    void runsTheClustersOwnStackWithFdSock2OnTheNodeAddress() throws Exception {
        try (ClusterNode node = ClusterNode.start(THREE, "n1")) {
            JChannel channel = node.channel();
            assertThat(channel.getName()).isEqualTo("n1");
            assertThat(channel.getClusterName()).isEqualTo("single");
            TCP tcp = channel.getProtocolStack().findProtocol(TCP.class);
            assertThat(tcp).as("the cluster's TCP stack, not Infinispan's default").isNotNull();
            assertThat(tcp.getBindAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
            assertThat(tcp.getBindPort()).isEqualTo(THREE.cluster().bindPort());
            assertThat(tcp.nonBlockingSends()).isTrue();
            TCPPING discovery = channel.getProtocolStack().findProtocol(TCPPING.class);
            assertThat(discovery).isNotNull();
            FD_SOCK2 fdSock = channel.getProtocolStack().findProtocol(FD_SOCK2.class);
            assertThat(fdSock.getBindAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        }
    }

    @Test
    void aNodeAloneInAClusterOfThreeIsTheMinorityButItsStoreWorks() {
        try (ClusterNode node = ClusterNode.start(THREE, "n1")) {
            Membership m = node.membership();
            assertThat(m.view().members()).containsExactly("n1");
            assertThat(m.view().coordinator()).isEqualTo("n1");
            assertThat(m.isMajority()).as("1 of 3").isFalse();
            assertThat(m.quorum()).isEqualTo(2);
            assertThat(m.configuredSize()).isEqualTo(3);
            // Infinispan's own availability counts the members that ever joined: alone from the start, it is
            // available; it is the membership's majority that keeps a lone node from acting.
            assertThat(node.checkpointsAvailable()).isTrue();
            assertThat(node.checkpoints().putIfNewer(checkpoint(id(1), "n1", 1)).stored()).isTrue();
            assertThat(node.checkpoints().get(id(1))).contains(checkpoint(id(1), "n1", 1));
        }
    }

    @Test
    void aSingleNodeClusterIsItsOwnMajority() {
        ClusterConfig one = TestClusters.loopback("solo", List.of("127.0.0.1"), CheckpointConfig.Replication.SYNC);
        try (ClusterNode node = ClusterNode.start(one, "n1")) {
            assertThat(node.membership().isMajority()).isTrue();
            assertThat(node.vips().holdsDirectoryOf(java.util.Set.of("n1"))).isTrue();
            assertThat(node.vips().holdsDirectoryOf(java.util.Set.of("n1", "n2")))
                    .as("a view member missing from the cache's topology: the replica is not in step").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(CheckpointConfig.Replication.class)
    void eachReplicationModeHasItsStoreAndADurablePutIsReplicatedWhenItCompletes(CheckpointConfig.Replication mode)
            throws Exception {
        ClusterConfig one = TestClusters.loopback("solo", List.of("127.0.0.1"), mode);
        try (ClusterNode node = ClusterNode.start(one, "n1")) {
            assertThat(node.checkpoints()).as("%s: a write-behind queue in front of the replicated store", mode)
                    .isInstanceOf(mode == CheckpointConfig.Replication.SYNC ? ReplicatedCheckpointStore.class
                            : WriteBehindCheckpointStore.class);

            assertThat(node.checkpoints().putDurably(checkpoint(id(1), "n1", 1)).get(10, TimeUnit.SECONDS).stored())
                    .isTrue();
            assertThat(node.replicatedStore().get(id(1))).contains(checkpoint(id(1), "n1", 1));
        }
    }

    @Test
    void closingTwiceIsHarmlessAndTheStoreClosesWithTheNode() {
        ClusterNode node = ClusterNode.start(THREE, "n1");
        node.close();
        node.close();
        assertThatThrownBy(() -> node.checkpoints().get(id(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnknownNodeNameIsRejectedWithTheKnownNames() {
        assertThatThrownBy(() -> ClusterNode.start(THREE, "n9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n9").hasMessageContaining("[n1, n2, n3]");
    }
}
