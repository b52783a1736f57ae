package dev.takeover.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import dev.takeover.config.JGroupsStack;
import java.util.List;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.junit.jupiter.api.Test;

/** The channel a node builds from the generated stack, unconnected. */
class JGroupsChannelsTest {
    private static final ClusterConfig CLUSTER = TestClusters.loopback("channels",
            List.of("127.0.0.1", "127.0.0.2"), CheckpointConfig.Replication.ASYNC);

    @Test
    void theGeneratedStackRunsOnPlatformThreadsWithItsCompletions() {
        try (JChannel channel = JGroupsChannels.create(CLUSTER, "n2")) {
            TCP tcp = (TCP) channel.getProtocolStack().getTransport();
            assertThat(tcp.useVirtualThreads()).as("heartbeats share no carrier threads with the transactions")
                    .isFalse();
            assertThat(tcp.nonBlockingSends()).isTrue();
            FD_SOCK2 fdSock = channel.getProtocolStack().findProtocol(FD_SOCK2.class);
            assertThat(fdSock.getBindAddress()).isEqualTo(tcp.getBindAddress());
            assertThat(channel.name()).isEqualTo("n2");
            VERIFY_SUSPECT2 verify = channel.getProtocolStack().findProtocol(VERIFY_SUSPECT2.class);
            assertThat((Object) verify).isInstanceOf(VerifySuspectHeard.class);
            assertThat(verify.getTimeout()).isEqualTo(CLUSTER.failureDetection().verifyTimeout().toMillis());
            assertThat((Object) verify.getDownProtocol()).isInstanceOf(FD_ALL3.class); // sees the detector's UNSUSPECT
            assertThat((Object) verify.getProtocolStack()).isSameAs(channel.getProtocolStack());
        }
    }

    @Test
    void aSystemPropertyRestoresVirtualThreadsForSideBySideMeasurements() {
        System.setProperty(JGroupsStack.VIRTUAL_THREADS_PROPERTY, "true");
        try (JChannel channel = JGroupsChannels.create(CLUSTER, "n1")) {
            assertThat(channel.getProtocolStack().getTransport().useVirtualThreads()).isTrue();
        } finally {
            System.clearProperty(JGroupsStack.VIRTUAL_THREADS_PROPERTY);
        }
    }
}
