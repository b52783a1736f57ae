package dev.takeover.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeqNumTest {

    private static final int MAX = 0xFFFF_FFFF; // 2^32 - 1 as an int

    static Stream<Arguments> additions() {
        return Stream.of(
                Arguments.of(0, 0L, 0),
                Arguments.of(0, 1L, 1),
                Arguments.of(MAX, 1L, 0),                      // wraps
                Arguments.of(0xFFFF_FF00, 0x200L, 0x100),      // wraps mid-object
                Arguments.of(0x7FFF_FFFF, 1L, 0x8000_0000),    // crosses the sign bit: still just +1
                Arguments.of(5, 1L << 32, 5),                  // a full turn
                Arguments.of(5, (5L << 32) + 3, 8),            // a 20 GiB object
                Arguments.of(5, -6L, MAX));                    // backwards
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @MethodSource("additions")
    void addWrapsModulo2To32(int seq, long bytes, int expected) {
        assertThat(SeqNum.add(seq, bytes)).isEqualTo(expected);
    }

    static Stream<Arguments> distances() {
        return Stream.of(
                Arguments.of(0, 0, 0L),
                Arguments.of(0, 10, 10L),
                Arguments.of(MAX, 0, 1L),
                Arguments.of(0xFFFF_FF00, 0x100, 0x200L),
                Arguments.of(10, 0, (1L << 32) - 10),          // "behind" is a long way ahead
                Arguments.of(0, MAX, (1L << 32) - 1));
    }

    @ParameterizedTest(name = "{0} -> {1} = {2}")
    @MethodSource("distances")
    void distanceIsUnsignedAndInvertsAdd(int from, int to, long expected) {
        assertThat(SeqNum.distance(from, to)).isEqualTo(expected).isBetween(0L, (1L << 32) - 1);
        assertThat(SeqNum.add(from, expected)).isEqualTo(to);
    }

    static Stream<Arguments> orders() {
        return Stream.of(
                Arguments.of(1, 2, -1),
                Arguments.of(2, 1, 1),
                Arguments.of(7, 7, 0),
                Arguments.of(MAX, 0, -1),                      // 0 follows 2^32-1
                Arguments.of(0, MAX, 1),
                Arguments.of(0x7FFF_FFFF, 0x8000_0000, -1),    // across the sign bit, unlike Integer.compare
                Arguments.of(0xFFFF_FF00, 0x0000_0100, -1),
                Arguments.of(0, 0x7FFF_FFFF, -1),              // 2^31 - 1 apart: still ordered
                Arguments.of(0x7FFF_FFFF, 0, 1));
    }

    @ParameterizedTest(name = "compare({0}, {1}) = {2}")
    @MethodSource("orders")
    void compareUsesSerialNumberArithmetic(int a, int b, int expected) {
        assertThat(SeqNum.compare(a, b)).isEqualTo(expected);
        assertThat(SeqNum.before(a, b)).isEqualTo(expected < 0);
        assertThat(SeqNum.after(a, b)).isEqualTo(expected > 0);
        assertThat(SeqNum.compare(b, a)).isEqualTo(-expected);
    }

    @Test
    void numbersHalfTheSpaceApartCompareConsistently() {
        // 2^31 apart is undefined in RFC 1982; we only promise a fixed answer, not symmetry.
        assertThat(SeqNum.compare(0, 0x8000_0000)).isEqualTo(SeqNum.compare(0, 0x8000_0000));
        assertThat(SeqNum.before(0, 0x8000_0000)).isEqualTo(SeqNum.compare(0, 0x8000_0000) < 0);
    }

    static Stream<Arguments> unwraps() {
        return Stream.of(
                Arguments.of(0, 100, 90L, 100L),
                Arguments.of(0, 80, 90L, 80L),                                 // a little behind near
                Arguments.of(0xFFFF_FF00, 0x10, 0L, 0x110L),                   // wrapped once since start
                Arguments.of(1000, 1000 + 5, (5L << 32) + 3, (5L << 32) + 5),  // 20 GiB in
                Arguments.of(1000, 1000 - 5, (5L << 32) + 3, (5L << 32) - 5),  // just before a wrap, near after it
                Arguments.of(7, 7 + 0x7FFF_FFFF, 0L, 0x7FFF_FFFFL),            // 2^31 - 1 ahead of near
                Arguments.of(0, 0xF000_0000, 0L, 0xF000_0000L),                // would be negative: next turn
                Arguments.of(0, 0, 3L << 32, 3L << 32));
    }

    @ParameterizedTest(name = "unwrap(start {0}, seq {1}, near {2}) = {3}")
    @MethodSource("unwraps")
    void unwrapFindsTheNearestByteCount(int start, int seq, long near, long expected) {
        assertThat(SeqNum.unwrap(start, seq, near)).isEqualTo(expected);
        assertThat(SeqNum.add(start, expected)).isEqualTo(seq);
    }

    @Test
    void unwrapRejectsANegativeReference() {
        assertThatThrownBy(() -> SeqNum.unwrap(0, 0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("near");
    }

    @Test
    void unsignedConversionsRoundTripAndCheckRange() {
        assertThat(SeqNum.toUnsigned(MAX)).isEqualTo(4_294_967_295L);
        assertThat(SeqNum.fromUnsigned(4_294_967_295L)).isEqualTo(MAX);
        assertThat(SeqNum.fromUnsigned(0)).isZero();
        assertThat(SeqNum.toString(0x8000_0000)).isEqualTo("2147483648");
        assertThatThrownBy(() -> SeqNum.fromUnsigned(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeqNum.fromUnsigned(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
