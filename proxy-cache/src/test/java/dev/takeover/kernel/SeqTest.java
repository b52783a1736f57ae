package dev.takeover.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeqTest {

    static Stream<Arguments> sums() {
        return Stream.of(
                Arguments.of(0L, 1L, 1L),
                Arguments.of(0xffffffffL, 1L, 0L),
                Arguments.of(0xfffffff0L, 0x20L, 0x10L),
                Arguments.of(5L, -6L, 0xffffffffL),
                Arguments.of(123L, 1L << 32, 123L));
    }

    @ParameterizedTest
    @MethodSource("sums")
    void addWrapsModulo2To32(long seq, long delta, long expected) {
        assertThat(Seq.add(seq, delta)).isEqualTo(expected);
        assertThat(Seq.distance(seq, expected)).isEqualTo(Math.floorMod(delta, 1L << 32));
    }

    @Test
    void afterComparesWithinHalfTheSpace() {
        assertThat(Seq.after(1, 0)).isTrue();
        assertThat(Seq.after(0, 0xffffffffL)).isTrue();
        assertThat(Seq.after(0xffffffffL, 0)).isFalse();
        assertThat(Seq.after(7, 7)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 1L << 32, Long.MAX_VALUE})
    void requireRejectsNumbersOutside32Bits(long bad) {
        assertThatThrownBy(() -> Seq.require(bad, "ack"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ack").hasMessageContaining("2^32");
    }

    @Test
    void fromIntReadsTheUnsignedValue() {
        assertThat(Seq.fromInt(-1)).isEqualTo(0xffffffffL);
        assertThat(Seq.fromInt(0x7fffffff)).isEqualTo(0x7fffffffL);
    }
}
