package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FreshnessTest {

    private static final long T0 = 784_111_777_000L;
    private static final String DATE = HttpDates.format(T0);
    private static final long SECOND = 1_000;
    private static final long HOUR = 3_600 * SECOND;
    private static final long DAY = 24 * HOUR;

    private static String date(long offsetMillis) {
        return HttpDates.format(T0 + offsetMillis);
    }

    /** Rows: description, status, response headers, expected lifetime in millis. */
    static Stream<Arguments> lifetimes() {
        return Stream.of(
            arguments("s-maxage wins over max-age", 200,
                TestHeaders.of("Cache-Control", "max-age=60, s-maxage=10", "Date", DATE), 10 * SECOND),
            arguments("max-age wins over Expires", 200,
                TestHeaders.of("Cache-Control", "max-age=60", "Date", DATE, "Expires", date(HOUR)), 60 * SECOND),
            arguments("max-age=0", 200, TestHeaders.of("Cache-Control", "max-age=0"), 0L),
            arguments("invalid max-age is stale, not heuristic", 200,
                TestHeaders.of("Cache-Control", "max-age=x", "Date", DATE, "Last-Modified", date(-10 * DAY)), 0L),
            arguments("max-age beyond 2^31", 200, TestHeaders.of("Cache-Control", "max-age=9999999999999"),
                2_147_483_648_000L),
            arguments("max-age applies to any status", 500, TestHeaders.of("Cache-Control", "max-age=5"),
                5 * SECOND),
            arguments("Expires - Date", 200, TestHeaders.of("Date", DATE, "Expires", date(HOUR)), HOUR),
            arguments("Expires in the past", 200, TestHeaders.of("Date", DATE, "Expires", date(-HOUR)), 0L),
            arguments("Expires equal to Date", 200, TestHeaders.of("Date", DATE, "Expires", DATE), 0L),
            arguments("invalid Expires is already expired", 200,
                TestHeaders.of("Date", DATE, "Expires", "0", "Last-Modified", date(-10 * DAY)), 0L),
            arguments("Expires without Date", 200, TestHeaders.of("Expires", date(HOUR)), 0L),
            arguments("first Expires line is used", 200,
                TestHeaders.of("Date", DATE, "Expires", date(HOUR), "Expires", date(2 * HOUR)), HOUR),
            arguments("Expires applies to any status", 503, TestHeaders.of("Date", DATE, "Expires", date(HOUR)),
                HOUR),
            arguments("heuristic 10%", 200, TestHeaders.of("Date", DATE, "Last-Modified", date(-10 * HOUR)), HOUR),
            arguments("heuristic capped at 24 h", 200,
                TestHeaders.of("Date", DATE, "Last-Modified", date(-365 * DAY)), DAY),
            arguments("heuristic just below the cap", 404,
                TestHeaders.of("Date", DATE, "Last-Modified", date(-239 * HOUR)), 239 * HOUR / 10),
            arguments("heuristic for 301", 301, TestHeaders.of("Date", DATE, "Last-Modified", date(-100 * SECOND)),
                10 * SECOND),
            arguments("no heuristic for 302", 302, TestHeaders.of("Date", DATE, "Last-Modified", date(-10 * HOUR)),
                0L),
            arguments("no heuristic for 500", 500, TestHeaders.of("Date", DATE, "Last-Modified", date(-10 * HOUR)),
                0L),
            arguments("Last-Modified after Date", 200, TestHeaders.of("Date", DATE, "Last-Modified", date(HOUR)), 0L),
            arguments("heuristic without Date", 200, TestHeaders.of("Last-Modified", date(-10 * HOUR)), 0L),
            arguments("heuristic with invalid Last-Modified", 200,
                TestHeaders.of("Date", DATE, "Last-Modified", "yesterday"), 0L),
            arguments("nothing", 200, TestHeaders.of("Date", DATE), 0L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifetimes")
    void lifetime(String description, int status, HttpHeaders headers, long expected) {
        assertThat(Freshness.lifetimeMillis(status, headers)).isEqualTo(expected);
    }

    /** Rows: description, response headers, request time, response time, now, expected age (all relative to T0). */
    static Stream<Arguments> ages() {
        return Stream.of(
            arguments("fresh from origin", TestHeaders.of("Date", DATE), 0L, 0L, 0L, 0L),
            arguments("resident time", TestHeaders.of("Date", DATE), 0L, 0L, 30 * SECOND, 30 * SECOND),
            arguments("apparent age from a lagging Date", TestHeaders.of("Date", DATE), 5 * SECOND, 5 * SECOND,
                5 * SECOND, 5 * SECOND),
            arguments("response delay counts with Age", TestHeaders.of("Date", DATE, "Age", "0"), 0L, 2 * SECOND,
                2 * SECOND, 2 * SECOND),
            arguments("Age larger than apparent age", TestHeaders.of("Date", DATE, "Age", "100"), 0L, SECOND,
                11 * SECOND, 111 * SECOND),
            arguments("apparent age larger than corrected Age", TestHeaders.of("Date", DATE, "Age", "1"),
                50 * SECOND, 50 * SECOND, 60 * SECOND, 60 * SECOND),
            arguments("Date in the future gives no negative age", TestHeaders.of("Date", date(HOUR)), 0L, 0L,
                10 * SECOND, 10 * SECOND),
            arguments("no Date", TestHeaders.of(), 0L, SECOND, 3 * SECOND, 3 * SECOND),
            arguments("invalid Age is ignored", TestHeaders.of("Date", DATE, "Age", "-5"), 0L, 0L, SECOND, SECOND),
            arguments("Age list uses the first member", TestHeaders.of("Date", DATE, "Age", "7 , 100"), 0L, 0L, 0L,
                7 * SECOND),
            arguments("Age beyond 2^31 is capped", TestHeaders.of("Age", "99999999999999"), 0L, 0L, 0L,
                2_147_483_648_000L),
            arguments("clock stepped backwards", TestHeaders.of("Date", DATE, "Age", "10"), 10 * SECOND, 5 * SECOND,
                0L, 10 * SECOND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ages")
    void currentAge(String description, HttpHeaders headers, long request, long response, long now, long expected) {
        assertThat(Freshness.currentAgeMillis(headers, T0 + request, T0 + response, T0 + now)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ages")
    void currentAgeFromTheCorrectedInitialAge(String description, HttpHeaders headers, long request, long response,
                                              long now, long expected) {
        long initial = Freshness.correctedInitialAgeMillis(headers, T0 + request, T0 + response);
        assertThat(Freshness.currentAgeMillis(initial, T0 + response, T0 + now)).isEqualTo(expected);
        assertThat(Freshness.currentAgeMillis(initial, T0 + response, T0 + response)).isEqualTo(initial);
    }

    static Stream<Arguments> ageHeaders() {
        return Stream.of(
            arguments(0L, 0),
            arguments(999L, 0),
            arguments(1_000L, 1),
            arguments(59_999L, 59),
            arguments(-5_000L, 0),
            arguments(2_147_483_647_999L, Integer.MAX_VALUE),
            arguments(2_147_483_648_000L, Integer.MAX_VALUE),
            arguments(Long.MAX_VALUE, Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @MethodSource("ageHeaders")
    void ageHeaderSeconds(long ageMillis, int expected) {
        assertThat(Freshness.ageHeaderSeconds(ageMillis)).isEqualTo(expected);
    }

    @Test
    void stateCombinesLifetimeAndAge() {
        HttpHeaders headers = TestHeaders.of("Date", DATE, "Cache-Control", "max-age=60", "Age", "50");
        FreshnessState state = Freshness.state(200, headers, T0, T0, T0 + 20 * SECOND);
        assertThat(state).isEqualTo(new FreshnessState(60 * SECOND, 70 * SECOND));
        assertThat(state.isFresh()).isFalse();
    }
}
