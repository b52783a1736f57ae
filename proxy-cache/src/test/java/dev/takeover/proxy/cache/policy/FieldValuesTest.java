package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldValuesTest {

    static Stream<Arguments> lists() {
        return Stream.of(
            arguments("", List.of()),
            arguments(" , ,\t", List.of()),
            arguments("a", List.of("a")),
            arguments(" a ,b\t, c ", List.of("a", "b", "c")),
            arguments("a,,b", List.of("a", "b")),
            arguments("x=\"1,2\", y", List.of("x=\"1,2\"", "y")),
            arguments("x=\"a\\\",b\", y", List.of("x=\"a\\\",b\"", "y")),
            arguments("x=\"unterminated, y", List.of("x=\"unterminated, y")));
    }

    @ParameterizedTest
    @MethodSource("lists")
    void splitsLists(String value, List<String> expected) {
        assertThat(FieldValues.splitList(value)).isEqualTo(expected);
    }

    static Stream<Arguments> deltaSeconds() {
        return Stream.of(
            arguments("0", 0L),
            arguments("60", 60L),
            arguments("007", 7L),
            arguments("2147483647", 2_147_483_647L),
            arguments("2147483648", 2_147_483_648L),
            arguments("2147483649", 2_147_483_648L),
            arguments("99999999999999999999999999", 2_147_483_648L),
            arguments("", -1L),
            arguments("-1", -1L),
            arguments("+1", -1L),
            arguments(" 1", -1L),
            arguments("1.0", -1L),
            arguments("1e3", -1L));
    }

    @ParameterizedTest
    @MethodSource("deltaSeconds")
    void parsesDeltaSeconds(String value, long expected) {
        assertThat(FieldValues.parseDeltaSeconds(value)).isEqualTo(expected);
    }

    @Test
    void convertsSecondsWithoutOverflow() {
        assertThat(FieldValues.secondsToMillis(0)).isZero();
        assertThat(FieldValues.secondsToMillis(2_147_483_648L)).isEqualTo(2_147_483_648_000L);
        assertThat(FieldValues.secondsToMillis(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(FieldValues.secondsToMillis(Long.MAX_VALUE / 1000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void combinesFieldLines() {
        assertThat(FieldValues.combined(TestHeaders.of(), "A")).isEmpty();
        assertThat(FieldValues.combined(TestHeaders.of("A", "1"), "a")).isEqualTo("1");
        assertThat(FieldValues.combined(TestHeaders.of("A", "1", "B", "x", "a", "2"), "A")).isEqualTo("1, 2");
    }

    @Test
    void recognisesTokens() {
        assertThat(FieldValues.isToken("Accept-Encoding")).isTrue();
        assertThat(FieldValues.isToken("!#$%&'*+-.^_`|~09azAZ")).isTrue();
        assertThat(FieldValues.isToken("")).isFalse();
        assertThat(FieldValues.isToken("a b")).isFalse();
        assertThat(FieldValues.isToken("a,b")).isFalse();
        assertThat(FieldValues.isToken("\"a\"")).isFalse();
    }
}
