package dev.takeover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import dev.takeover.config.ClusterConfigLoader;
import dev.takeover.config.ConfigException;
import dev.takeover.config.FailureDetectionConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cluster file the lab writes: valid as generated, with origin connections for its largest drill and the detection
 * timings an experiment asks for.
 */
class LabLayoutTest {

    private final LabLayout layout = new LabLayout(3);

    @Test
    void theGeneratedClusterFileLoadsWithTheDefaultTimings() {
        ClusterConfig config = ClusterConfigLoader.parse(layout.clusterFile(), "lab");

        assertThat(config.nodes()).hasSize(3);
        assertThat(config.failureDetection()).isEqualTo(FailureDetectionConfig.DEFAULTS);
        assertThat(config.checkpoint().enabled()).isTrue();
        assertThat(config.origin().maxConnections()).as("room for the largest drill").isEqualTo(256);
        assertThat(config.origin().responseTimeout()).as("an origin on the same saturated cores")
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anExperimentsTimingsReplaceTheDefaults() {
        ClusterConfig config = ClusterConfigLoader.parse(
                layout.clusterFile(true, "timeout: 500ms, verify-timeout: 200ms", "async"), "lab");

        assertThat(config.failureDetection().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.failureDetection().verifyTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.failureDetection().heartbeatInterval())
                .isEqualTo(FailureDetectionConfig.DEFAULT_HEARTBEAT_INTERVAL);
    }

    @Test
    void theReplicationIsTheLabsChoice() {
        assertThat(ClusterConfigLoader.parse(layout.clusterFile(), "lab").checkpoint().replication())
                .isEqualTo(CheckpointConfig.Replication.ASYNC);
        assertThat(ClusterConfigLoader.parse(layout.clusterFile(true, "", "sync"), "lab").checkpoint().replication())
                .isEqualTo(CheckpointConfig.Replication.SYNC);
        assertThat(ClusterConfigLoader.parse(layout.clusterFile(true, "", "batched"), "lab").checkpoint()
                .replication()).isEqualTo(CheckpointConfig.Replication.BATCHED);
        assertThatThrownBy(() -> ClusterConfigLoader.parse(layout.clusterFile(true, "", "later"), "lab"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication");
    }

    @Test
    void theLingerIsTheLabsChoice() {
        assertThat(ClusterConfigLoader.parse(layout.clusterFile(), "lab").checkpoint().linger())
                .isEqualTo(Duration.ofMillis(2));
        assertThat(ClusterConfigLoader.parse(layout.clusterFile(true, "", "async", "20ms"), "lab").checkpoint()
                .linger()).isEqualTo(CheckpointConfig.DEFAULT_LINGER);
        assertThatThrownBy(() -> ClusterConfigLoader.parse(layout.clusterFile(true, "", "async", "5s"), "lab"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoint.linger");
    }

    @Test
    void aMistypedTimingIsRefusedByName() {
        assertThatThrownBy(() -> ClusterConfigLoader.parse(layout.clusterFile(false, "timout: 300ms", "async"), "lab"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("timout");
    }
}
