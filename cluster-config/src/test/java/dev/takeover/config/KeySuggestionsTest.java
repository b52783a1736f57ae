package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeySuggestionsTest {

    private static final List<String> KEYS = ClusterFileReader.FAILURE_DETECTION_KEYS;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("timout", "timeout"),
                Arguments.of("Timeout", "timeout"),
                Arguments.of("join_timeout", "join-timeout"),
                Arguments.of("joinTimeout", "join-timeout"),
                Arguments.of("heartbeat-intervall", "heartbeat-interval"),
                Arguments.of("heartbeatinterval", "heartbeat-interval"),
                Arguments.of("verify", null),
                Arguments.of("colour", null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("cases")
    void suggestsOnlyPlausibleTypos(String typed, String expected) {
        assertThat(KeySuggestions.nearest(typed, KEYS).orElse(null)).isEqualTo(expected);
    }
}
