package dev.takeover.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamSettingsTest {
    private static final URI ORIGIN = URI.create("http://198.18.0.2:8080");

    @Test
    void theLongestWaitSpendsEveryBoundOfTwoAttempts() {
        assertThat(UpstreamSettings.of(ORIGIN).longestWait()).as("(10 s pool + 2 s connect + 10 s response) x 2")
                .isEqualTo(Duration.ofSeconds(44));
        UpstreamSettings tight = new UpstreamSettings(ORIGIN, Duration.ofMillis(300), Duration.ofSeconds(1),
                Duration.ofSeconds(30), 8);
        assertThat(tight.longestWait()).isEqualTo(Duration.ofMillis(4_600));
    }

    @Test
    void aTimeoutThatIsNotPositiveIsRefusedByName() {
        assertThatThrownBy(() -> new UpstreamSettings(ORIGIN, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connect timeout must be positive, was PT0S");
        assertThatThrownBy(() -> new UpstreamSettings(ORIGIN, Duration.ofSeconds(1), Duration.ofSeconds(-1),
                Duration.ofSeconds(1), 8)).hasMessage("response timeout must be positive, was PT-1S");
    }
}
