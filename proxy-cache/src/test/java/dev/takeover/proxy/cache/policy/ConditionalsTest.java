package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionalsTest {

    private static final long T0 = 784_111_777_000L;
    private static final String LAST_MODIFIED = HttpDates.format(T0);
    private static final String DATE = HttpDates.format(T0 + 3_600_000);

    private static final HttpHeaders STORED = TestHeaders.of("ETag", "\"v1\"", "Last-Modified", LAST_MODIFIED,
        "Date", DATE);

    /** Rows: description, request headers, stored headers, expected notModified. */
    static Stream<Arguments> conditionals() {
        return Stream.of(
            arguments("no preconditions", TestHeaders.of(), STORED, false),
            // If-None-Match.
            arguments("INM same tag", TestHeaders.of("If-None-Match", "\"v1\""), STORED, true),
            arguments("INM other tag", TestHeaders.of("If-None-Match", "\"v2\""), STORED, false),
            arguments("INM weak request tag matches weakly", TestHeaders.of("If-None-Match", "W/\"v1\""), STORED,
                true),
            arguments("INM against a weak stored tag", TestHeaders.of("If-None-Match", "\"v1\""),
                TestHeaders.of("ETag", "W/\"v1\""), true),
            arguments("INM list", TestHeaders.of("If-None-Match", "\"a\", W/\"v1\", \"b\""), STORED, true),
            arguments("INM list without match", TestHeaders.of("If-None-Match", "\"a\",\"b\""), STORED, false),
            arguments("INM several lines", TestHeaders.of("If-None-Match", "\"a\"", "If-None-Match", "\"v1\""),
                STORED, true),
            arguments("INM list with empty members", TestHeaders.of("If-None-Match", ", \"v1\" ,"), STORED, true),
            arguments("INM *", TestHeaders.of("If-None-Match", "*"), STORED, true),
            arguments("INM * without ETag", TestHeaders.of("If-None-Match", "*"), TestHeaders.of(), true),
            arguments("INM tag, stored without ETag", TestHeaders.of("If-None-Match", "\"v1\""),
                TestHeaders.of("Last-Modified", LAST_MODIFIED), false),
            arguments("INM tag, stored ETag malformed", TestHeaders.of("If-None-Match", "\"v1\""),
                TestHeaders.of("ETag", "v1"), false),
            arguments("INM case-sensitive", TestHeaders.of("If-None-Match", "\"V1\""), STORED, false),
            arguments("INM no match beats a matching IMS",
                TestHeaders.of("If-None-Match", "\"v2\"", "If-Modified-Since", LAST_MODIFIED), STORED, false),
            arguments("INM match beats a failing IMS",
                TestHeaders.of("If-None-Match", "\"v1\"", "If-Modified-Since", HttpDates.format(T0 - 1_000)), STORED,
                true),
            arguments("malformed INM is ignored, IMS decides",
                TestHeaders.of("If-None-Match", "v1", "If-Modified-Since", LAST_MODIFIED), STORED, true),
            arguments("partly malformed INM is ignored",
                TestHeaders.of("If-None-Match", "\"v1\", junk", "If-Modified-Since", HttpDates.format(T0 - 1_000)),
                STORED, false),
            arguments("lowercase w/ is not a weak tag", TestHeaders.of("If-None-Match", "w/\"v1\""), STORED, false),
            // If-Modified-Since.
            arguments("IMS equal to Last-Modified", TestHeaders.of("If-Modified-Since", LAST_MODIFIED), STORED, true),
            arguments("IMS after Last-Modified", TestHeaders.of("If-Modified-Since", HttpDates.format(T0 + 1_000)),
                STORED, true),
            arguments("IMS before Last-Modified", TestHeaders.of("If-Modified-Since", HttpDates.format(T0 - 1_000)),
                STORED, false),
            arguments("IMS in RFC 850 format", TestHeaders.of("If-Modified-Since", "Sunday, 06-Nov-94 08:49:37 GMT"),
                STORED, true),
            arguments("IMS invalid", TestHeaders.of("If-Modified-Since", "yesterday"), STORED, false),
            arguments("IMS on two lines is ignored",
                TestHeaders.of("If-Modified-Since", LAST_MODIFIED, "If-Modified-Since", LAST_MODIFIED), STORED, false),
            arguments("IMS falls back to Date", TestHeaders.of("If-Modified-Since", DATE),
                TestHeaders.of("Date", DATE), true),
            arguments("IMS before Date", TestHeaders.of("If-Modified-Since", LAST_MODIFIED),
                TestHeaders.of("Date", DATE), false),
            arguments("IMS, stored invalid Last-Modified uses Date", TestHeaders.of("If-Modified-Since", DATE),
                TestHeaders.of("Last-Modified", "junk", "Date", DATE), true),
            arguments("IMS, stored without dates", TestHeaders.of("If-Modified-Since", DATE), TestHeaders.of(),
                false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditionals")
    void evaluates(String description, HttpHeaders request, HttpHeaders stored, boolean expected) {
        assertThat(Conditionals.notModified(request, stored)).isEqualTo(expected);
    }

    /** Rows: description, stored headers, expected revalidation headers. */
    static Stream<Arguments> revalidation() {
        return Stream.of(
            arguments("both validators", STORED,
                Map.of("if-none-match", "\"v1\"", "if-modified-since", LAST_MODIFIED)),
            arguments("weak ETag only", TestHeaders.of("ETag", "W/\"x\""), Map.of("if-none-match", "W/\"x\"")),
            arguments("Last-Modified only", TestHeaders.of("Last-Modified", LAST_MODIFIED, "Date", DATE),
                Map.of("if-modified-since", LAST_MODIFIED)),
            arguments("obsolete date format sent verbatim", TestHeaders.of("Last-Modified",
                "Sunday, 06-Nov-94 08:49:37 GMT"), Map.of("if-modified-since", "Sunday, 06-Nov-94 08:49:37 GMT")),
            arguments("no validators (Date is not used)", TestHeaders.of("Date", DATE), Map.of()),
            arguments("malformed validators", TestHeaders.of("ETag", "v1", "Last-Modified", "junk"), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("revalidation")
    void buildsRevalidationHeaders(String description, HttpHeaders stored, Map<String, String> expected) {
        HttpHeaders headers = Conditionals.revalidationHeaders(stored);
        Map<String, String> actual = headers.entries().stream()
            .collect(Collectors.toMap(e -> e.getKey().toLowerCase(java.util.Locale.ROOT), Map.Entry::getValue));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void revalidationHeadersAreNewAndMutable() {
        HttpHeaders headers = Conditionals.revalidationHeaders(STORED);
        headers.add("X-Extra", "1");
        assertThat(STORED.contains("X-Extra")).isFalse();
        assertThat(STORED.contains("If-None-Match")).isFalse();
    }
}
