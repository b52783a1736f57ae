package dev.takeover.origin;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PreconditionsTest {

    /** Modified 2024-05-06T07:08:09.5Z, so its Last-Modified is 07:08:09. */
    private static final FileObject OBJECT = new FileObject(Path.of("/x"), 10,
            Instant.parse("2024-05-06T07:08:09.500Z"), ContentTypes.DEFAULT);
    private static final String TAG = OBJECT.etag();
    private static final String SAME_SECOND = "Mon, 06 May 2024 07:08:09 GMT";
    private static final String LATER = "Mon, 06 May 2024 07:08:10 GMT";
    private static final String EARLIER = "Mon, 06 May 2024 07:08:08 GMT";

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    static Stream<Arguments> conditionals() {
        return Stream.of(
                Arguments.of(headers(), false),
                Arguments.of(headers("If-None-Match", TAG), true),
                Arguments.of(headers("If-None-Match", "W/" + TAG), true),
                Arguments.of(headers("If-None-Match", "*"), true),
                Arguments.of(headers("If-None-Match", "\"a\", W/\"b\"," + TAG), true),
                Arguments.of(headers("If-None-Match", "\"a\", \"b\""), false),
                Arguments.of(headers("If-None-Match", "\"" + TAG), false),
                Arguments.of(headers("If-None-Match", "garbage"), false),
                Arguments.of(headers("If-Modified-Since", SAME_SECOND), true),
                Arguments.of(headers("If-Modified-Since", LATER), true),
                Arguments.of(headers("If-Modified-Since", EARLIER), false),
                Arguments.of(headers("If-Modified-Since", "Monday, 06-May-24 07:08:09 GMT"), true),
                Arguments.of(headers("If-Modified-Since", "Mon May  6 07:08:09 2024"), true),
                Arguments.of(headers("If-Modified-Since", "yesterday"), false),
                Arguments.of(headers("If-None-Match", "\"other\"", "If-Modified-Since", LATER), false),
                Arguments.of(headers("If-None-Match", TAG, "If-Modified-Since", EARLIER), true));
    }

    @ParameterizedTest
    @MethodSource("conditionals")
    void decidesNotModified(HttpHeaders headers, boolean expected) {
        assertThat(Preconditions.notModified(headers, OBJECT)).isEqualTo(expected);
    }

    static Stream<Arguments> ifRanges() {
        return Stream.of(
                Arguments.of(headers(), true),
                Arguments.of(headers("If-Range", TAG), true),
                Arguments.of(headers("If-Range", "W/" + TAG), false),
                Arguments.of(headers("If-Range", "\"other\""), false),
                Arguments.of(headers("If-Range", SAME_SECOND), true),
                Arguments.of(headers("If-Range", LATER), false),
                Arguments.of(headers("If-Range", EARLIER), false),
                Arguments.of(headers("If-Range", "not a date"), false));
    }

    @ParameterizedTest
    @MethodSource("ifRanges")
    void decidesWhetherTheRangeApplies(HttpHeaders headers, boolean expected) {
        assertThat(Preconditions.rangeApplies(headers, OBJECT)).isEqualTo(expected);
    }
}
