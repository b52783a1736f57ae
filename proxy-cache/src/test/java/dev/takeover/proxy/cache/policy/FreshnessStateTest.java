package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FreshnessStateTest {

    /** Rows: lifetime, age, fresh, staleness, remaining. */
    static Stream<Arguments> states() {
        return Stream.of(
            arguments(60_000L, 0L, true, 0L, 60_000L),
            arguments(60_000L, 59_999L, true, 0L, 1L),
            arguments(60_000L, 60_000L, false, 0L, 0L),
            arguments(60_000L, 90_000L, false, 30_000L, 0L),
            arguments(0L, 0L, false, 0L, 0L),
            arguments(0L, 5L, false, 5L, 0L));
    }

    @ParameterizedTest
    @MethodSource("states")
    void derivesFreshnessAndStaleness(long lifetime, long age, boolean fresh, long staleness, long remaining) {
        FreshnessState state = new FreshnessState(lifetime, age);
        assertThat(state.isFresh()).isEqualTo(fresh);
        assertThat(state.stalenessMillis()).isEqualTo(staleness);
        assertThat(state.remainingMillis()).isEqualTo(remaining);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(arguments(-1L, 0L), arguments(0L, -1L));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNegativeValues(long lifetime, long age) {
        assertThatThrownBy(() -> new FreshnessState(lifetime, age))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("must not be negative");
    }
}
