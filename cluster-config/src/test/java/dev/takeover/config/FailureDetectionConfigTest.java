package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureDetectionConfigTest {
    @Test
    void theLongestDetectionIsTheTimeoutOneCheckLaterPlusTheVerification() {
        FailureDetectionConfig c = new FailureDetectionConfig(Duration.ofMillis(100), Duration.ofMillis(500),
                Duration.ofMillis(200), Duration.ofMillis(500));
        assertThat(c.longestDetection()).isEqualTo(Duration.ofMillis(800));
        assertThat(FailureDetectionConfig.DEFAULTS.longestDetection()).isEqualTo(Duration.ofMillis(475));
    }

    @Test
    void aTimeoutNotAboveTheHeartbeatIntervalIsRefused() {
        assertThatThrownBy(() -> new FailureDetectionConfig(Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofMillis(200), Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be greater than heartbeatInterval");
    }
}
