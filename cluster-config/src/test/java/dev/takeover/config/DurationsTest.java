package dev.takeover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DurationsTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("0ms", Duration.ZERO, "0ms"),
                Arguments.of("1ms", Duration.ofMillis(1), "1ms"),
                Arguments.of("200ms", Duration.ofMillis(200), "200ms"),
                Arguments.of("1500ms", Duration.ofMillis(1500), "1500ms"),
                Arguments.of("2000ms", Duration.ofSeconds(2), "2s"),
                Arguments.of("2s", Duration.ofSeconds(2), "2s"),
                Arguments.of("90s", Duration.ofSeconds(90), "90s"),
                Arguments.of("120s", Duration.ofMinutes(2), "2m"),
                Arguments.of("1m", Duration.ofMinutes(1), "1m"),
                Arguments.of("60m", Duration.ofHours(1), "60m"),
                Arguments.of("007s", Duration.ofSeconds(7), "7s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesAndFormats(String text, Duration expected, String canonical) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
        assertThat(Durations.format(expected)).isEqualTo(canonical);
        assertThat(Durations.parse(canonical)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("500", "'500' is not a duration: expected a whole number followed by ms, s or m,"
                        + " e.g. 200ms, 2s, 1m (the unit is missing)"),
                Arguments.of("", "'' is not a duration"),
                Arguments.of("2 s", "'2 s' is not a duration"),
                Arguments.of(" 2s", "' 2s' is not a duration"),
                Arguments.of("2S", "'2S' is not a duration"),
                Arguments.of("1h", "'1h' is not a duration"),
                Arguments.of("1.5s", "'1.5s' is not a duration"),
                Arguments.of("-1s", "'-1s' is not a duration"),
                Arguments.of("ms", "'ms' is not a duration"),
                Arguments.of("PT2S", "'PT2S' is not a duration"),
                Arguments.of("99999999999999999999ms", "'99999999999999999999ms' is too large a duration"),
                Arguments.of("9223372036854775807m", "'9223372036854775807m' is too large a duration"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String text, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text)).withMessageStartingWith(message);
    }

    @Test
    void formatRejectsWhatTheFileCannotExpress() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.format(Duration.ofNanos(1500)));
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.format(Duration.ofMillis(-1)));
    }
}
