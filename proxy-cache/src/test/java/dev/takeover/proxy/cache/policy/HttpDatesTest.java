package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDatesTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT, the example of RFC 9110 §5.6.7. */
    private static final long RFC_EXAMPLE = 784_111_777_000L;

    private static final DateTimeFormatter IMF = DateTimeFormatter
        .ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    static Stream<Arguments> validDates() {
        return Stream.of(
            arguments("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE),
            arguments("Sunday, 06-Nov-94 08:49:37 GMT", RFC_EXAMPLE),
            arguments("Sun Nov  6 08:49:37 1994", RFC_EXAMPLE),
            arguments("Sun Nov 6 08:49:37 1994", RFC_EXAMPLE),
            arguments("  Sun, 06 Nov 1994 08:49:37 GMT\t", RFC_EXAMPLE),
            arguments("sun, 06 nov 1994 08:49:37 gmt", RFC_EXAMPLE),
            arguments("SUNDAY, 06-NOV-94 08:49:37 GMT", RFC_EXAMPLE),
            arguments("Sun,  6 Nov 1994 08:49:37 GMT", RFC_EXAMPLE),
            arguments("Thu, 01 Jan 1970 00:00:00 GMT", 0L),
            arguments("Wed, 31 Dec 1969 23:59:59 GMT", -1_000L),
            arguments("Thu, 29 Feb 2024 12:00:00 GMT", Instant.parse("2024-02-29T12:00:00Z").toEpochMilli()),
            arguments("Tue, 29 Feb 2000 00:00:00 GMT", Instant.parse("2000-02-29T00:00:00Z").toEpochMilli()),
            arguments("Fri, 31 Dec 9999 23:59:59 GMT", Instant.parse("9999-12-31T23:59:59Z").toEpochMilli()),
            arguments("Sat, 31 Dec 2016 23:59:60 GMT", Instant.parse("2017-01-01T00:00:00Z").toEpochMilli()),
            // RFC 850 two-digit years pivot at 70.
            arguments("Friday, 01-Jan-00 00:00:00 GMT", Instant.parse("2000-01-01T00:00:00Z").toEpochMilli()),
            arguments("Sunday, 01-Jan-69 00:00:00 GMT", Instant.parse("2069-01-01T00:00:00Z").toEpochMilli()),
            arguments("Thursday, 01-Jan-70 00:00:00 GMT", 0L),
            arguments("Friday, 31-Dec-99 23:59:59 GMT", Instant.parse("1999-12-31T23:59:59Z").toEpochMilli()),
            // The day name is checked to be one, not checked against the date.
            arguments("Mon, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE));
    }

    @ParameterizedTest
    @MethodSource("validDates")
    void parsesAcceptedFormats(String value, long expected) {
        assertThat(HttpDates.parse(value)).hasValue(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "garbage",
        "784111777",
        "Sux, 06 Nov 1994 08:49:37 GMT",
        "Sun 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Sun, 06 Xyz 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Thu, 30 Feb 2024 00:00:00 GMT",
        "Wed, 29 Feb 2023 00:00:00 GMT",
        "Mon, 29 Feb 1900 00:00:00 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 01994 08:49:37 GMT",
        "Sun, 006 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sunday, 06/Nov/94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov  6 08:49:37 1994 GMT",
        "Sun, -6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:3x GMT",
        ", 06 Nov 1994 08:49:37 GMT",
    })
    void rejectsInvalidDatesWithoutThrowing(String value) {
        assertThat(HttpDates.parse(value)).isEqualTo(OptionalLong.empty());
    }

    static Stream<Arguments> formatted() {
        return Stream.of(
            arguments(RFC_EXAMPLE, "Sun, 06 Nov 1994 08:49:37 GMT"),
            arguments(RFC_EXAMPLE + 999, "Sun, 06 Nov 1994 08:49:37 GMT"),
            arguments(0L, "Thu, 01 Jan 1970 00:00:00 GMT"),
            arguments(-1L, "Wed, 31 Dec 1969 23:59:59 GMT"),
            arguments(Instant.parse("2024-02-29T23:59:59Z").toEpochMilli(), "Thu, 29 Feb 2024 23:59:59 GMT"),
            arguments(Instant.parse("0000-01-01T00:00:00Z").toEpochMilli(), "Sat, 01 Jan 0000 00:00:00 GMT"),
            arguments(Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(), "Fri, 31 Dec 9999 23:59:59 GMT"));
    }

    @ParameterizedTest
    @MethodSource("formatted")
    void formatsImfFixdate(long millis, String expected) {
        assertThat(HttpDates.format(millis)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, Long.MAX_VALUE, -62_167_219_200_001L, 253_402_300_800_000L})
    void refusesToFormatYearsWithoutFourDigits(long millis) {
        assertThatThrownBy(() -> HttpDates.format(millis))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("four-digit year");
    }

    /** Deterministic spread of instants from year 0 to 9999, checked against java.time. */
    static LongStream instants() {
        long min = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        return new SplittableRandom(42).longs(300, min, max + 1);
    }

    @ParameterizedTest
    @MethodSource("instants")
    void formatAgreesWithJavaTimeAndRoundTrips(long millis) {
        String formatted = HttpDates.format(millis);
        assertThat(formatted).isEqualTo(IMF.format(Instant.ofEpochMilli(millis)));
        assertThat(HttpDates.parse(formatted)).hasValue(Math.floorDiv(millis, 1000) * 1000);
    }
}
