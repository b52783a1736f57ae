package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ByteRangesTest {

    private static final long T0 = 784_111_777_000L;
    private static final String LAST_MODIFIED = HttpDates.format(T0);
    private static final HttpHeaders STORED = TestHeaders.of("ETag", "\"v1\"", "Last-Modified", LAST_MODIFIED,
        "Date", HttpDates.format(T0 + 1_000));
    private static final RangeDecision FULL = new RangeDecision.Full();
    private static final RangeDecision UNSATISFIABLE = new RangeDecision.Unsatisfiable();

    private static RangeDecision partial(long first, long last) {
        return new RangeDecision.Partial(first, last);
    }

    /** Rows: description, range header (null = none), length, expected. GET, no If-Range, stored = STORED. */
    static Stream<Arguments> ranges() {
        return Stream.of(
            arguments("no Range", null, 100L, FULL),
            arguments("first bytes", "bytes=0-9", 100L, partial(0, 9)),
            arguments("middle", "bytes=10-19", 100L, partial(10, 19)),
            arguments("single byte", "bytes=5-5", 100L, partial(5, 5)),
            arguments("last clamped", "bytes=90-1000", 100L, partial(90, 99)),
            arguments("huge last clamped", "bytes=0-99999999999999999999999", 100L, partial(0, 99)),
            arguments("open-ended", "bytes=50-", 100L, partial(50, 99)),
            arguments("last byte open-ended", "bytes=99-", 100L, partial(99, 99)),
            arguments("suffix", "bytes=-10", 100L, partial(90, 99)),
            arguments("suffix equal to length", "bytes=-100", 100L, partial(0, 99)),
            arguments("suffix larger than length", "bytes=-500", 100L, partial(0, 99)),
            arguments("huge suffix", "bytes=-99999999999999999999999", 100L, partial(0, 99)),
            arguments("unit is case-insensitive", "Bytes=0-0", 100L, partial(0, 0)),
            arguments("whitespace around the range", "bytes= 0-9 ", 100L, partial(0, 9)),
            arguments("empty list members", "bytes=,0-9,", 100L, partial(0, 9)),
            // Unsatisfiable.
            arguments("first at the length", "bytes=100-", 100L, UNSATISFIABLE),
            arguments("first beyond the length", "bytes=200-300", 100L, UNSATISFIABLE),
            arguments("huge first", "bytes=99999999999999999999999-", 100L, UNSATISFIABLE),
            arguments("suffix of zero", "bytes=-0", 100L, UNSATISFIABLE),
            arguments("zero-length, int range", "bytes=0-0", 0L, UNSATISFIABLE),
            arguments("zero-length, open range", "bytes=0-", 0L, UNSATISFIABLE),
            arguments("zero-length, suffix of zero", "bytes=-0", 0L, UNSATISFIABLE),
            // Ignored: the whole representation is sent.
            arguments("zero-length, suffix", "bytes=-5", 0L, FULL),
            arguments("several ranges", "bytes=0-9,20-29", 100L, FULL),
            arguments("several unsatisfiable ranges", "bytes=200-209,300-", 100L, FULL),
            arguments("unknown unit", "items=0-9", 100L, FULL),
            arguments("no unit", "0-9", 100L, FULL),
            arguments("no range", "bytes=", 100L, FULL),
            arguments("last before first", "bytes=9-0", 100L, FULL),
            arguments("no positions", "bytes=-", 100L, FULL),
            arguments("no dash", "bytes=5", 100L, FULL),
            arguments("negative", "bytes=--5", 100L, FULL),
            arguments("not digits", "bytes=a-b", 100L, FULL),
            arguments("space inside", "bytes=0 -9", 100L, FULL),
            arguments("two dashes", "bytes=0-5-9", 100L, FULL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ranges")
    void resolvesRanges(String description, String range, long length, RangeDecision expected) {
        HttpHeaders request = range == null ? TestHeaders.of() : TestHeaders.of("Range", range);
        assertThat(ByteRanges.decide(HttpMethod.GET, request, length, STORED)).isEqualTo(expected);
    }

    static Stream<Arguments> methods() {
        return Stream.of(
            arguments(HttpMethod.GET, partial(0, 9)),
            arguments(HttpMethod.HEAD, FULL),
            arguments(HttpMethod.POST, FULL),
            arguments(HttpMethod.valueOf("PURGE"), FULL));
    }

    @ParameterizedTest
    @MethodSource("methods")
    void onlyGetHonoursRange(HttpMethod method, RangeDecision expected) {
        assertThat(ByteRanges.decide(method, TestHeaders.of("Range", "bytes=0-9"), 100, STORED)).isEqualTo(expected);
    }

    @Test
    void severalRangeLinesAreIgnored() {
        HttpHeaders request = TestHeaders.of("Range", "bytes=0-9", "Range", "bytes=10-19");
        assertThat(ByteRanges.decide(HttpMethod.GET, request, 100, STORED)).isEqualTo(FULL);
    }

    /** Rows: description, If-Range value, stored headers, whether the range applies. */
    static Stream<Arguments> ifRange() {
        HttpHeaders weakStored = TestHeaders.of("ETag", "W/\"v1\"");
        HttpHeaders sameSecond = TestHeaders.of("Last-Modified", LAST_MODIFIED, "Date", LAST_MODIFIED);
        HttpHeaders noDate = TestHeaders.of("Last-Modified", LAST_MODIFIED);
        return Stream.of(
            arguments("strong tag matches", "\"v1\"", STORED, true),
            arguments("other tag", "\"v2\"", STORED, false),
            arguments("weak request tag never matches", "W/\"v1\"", STORED, false),
            arguments("weak stored tag never matches", "\"v1\"", weakStored, false),
            arguments("both weak", "W/\"v1\"", weakStored, false),
            arguments("tag, stored without ETag", "\"v1\"", noDate, false),
            arguments("malformed tag", "\"v1", STORED, false),
            arguments("date equal to a strong Last-Modified", LAST_MODIFIED, STORED, true),
            arguments("date in obsolete format, same instant", "Sunday, 06-Nov-94 08:49:37 GMT", STORED, true),
            arguments("date later than Last-Modified", HttpDates.format(T0 + 1_000), STORED, false),
            arguments("date earlier than Last-Modified", HttpDates.format(T0 - 1_000), STORED, false),
            arguments("weak Last-Modified (same second as Date)", LAST_MODIFIED, sameSecond, false),
            arguments("Last-Modified without Date", LAST_MODIFIED, noDate, false),
            arguments("date, stored without Last-Modified", LAST_MODIFIED, TestHeaders.of("ETag", "\"v1\""), false),
            arguments("neither tag nor date", "yesterday", STORED, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ifRange")
    void evaluatesIfRange(String description, String ifRange, HttpHeaders stored, boolean rangeApplies) {
        HttpHeaders request = TestHeaders.of("Range", "bytes=0-9", "If-Range", ifRange);
        assertThat(ByteRanges.decide(HttpMethod.GET, request, 100, stored))
            .isEqualTo(rangeApplies ? partial(0, 9) : FULL);
    }

    @Test
    void ifRangeWithoutRangeIsFull() {
        assertThat(ByteRanges.decide(HttpMethod.GET, TestHeaders.of("If-Range", "\"v1\""), 100, STORED))
            .isEqualTo(FULL);
    }

    @Test
    void ifRangeMismatchAlsoAvoids416() {
        HttpHeaders request = TestHeaders.of("Range", "bytes=500-", "If-Range", "\"v2\"");
        assertThat(ByteRanges.decide(HttpMethod.GET, request, 100, STORED)).isEqualTo(FULL);
    }

    @Test
    void rejectsNegativeLength() {
        assertThatThrownBy(() -> ByteRanges.decide(HttpMethod.GET, TestHeaders.of(), -1, STORED))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("representationLength");
    }

    static Stream<Arguments> contentRanges() {
        return Stream.of(
            arguments(0L, 9L, 100L, "bytes 0-9/100"),
            arguments(99L, 99L, 100L, "bytes 99-99/100"),
            arguments(0L, 0L, 1L, "bytes 0-0/1"));
    }

    @ParameterizedTest
    @MethodSource("contentRanges")
    void formatsContentRange(long first, long last, long length, String expected) {
        assertThat(ByteRanges.contentRange(first, last, length)).isEqualTo(expected);
    }

    static Stream<Arguments> invalidContentRanges() {
        return Stream.of(
            arguments(-1L, 9L, 100L),
            arguments(10L, 9L, 100L),
            arguments(0L, 100L, 100L),
            arguments(0L, 0L, 0L));
    }

    @ParameterizedTest
    @MethodSource("invalidContentRanges")
    void rejectsInvalidContentRange(long first, long last, long length) {
        assertThatThrownBy(() -> ByteRanges.contentRange(first, last, length))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsUnsatisfiedRange() {
        assertThat(ByteRanges.unsatisfiedRange(100)).isEqualTo("bytes */100");
        assertThat(ByteRanges.unsatisfiedRange(0)).isEqualTo("bytes */0");
        assertThatThrownBy(() -> ByteRanges.unsatisfiedRange(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partialValidatesAndMeasures() {
        assertThat(new RangeDecision.Partial(10, 19).length()).isEqualTo(10);
        assertThatThrownBy(() -> partial(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> partial(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
