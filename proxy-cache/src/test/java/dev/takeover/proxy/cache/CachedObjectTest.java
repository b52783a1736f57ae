package dev.takeover.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.takeover.proxy.cache.policy.Freshness;
import dev.takeover.proxy.cache.policy.HttpDates;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CachedObjectTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long SECOND = 1_000;

    /** Rows: description, status, header names and values, request time, response time (relative to T0). */
    static Stream<Arguments> objects() {
        return Stream.of(
            arguments("max-age", 200, new String[] {"Date", HttpDates.format(T0), "Cache-Control", "max-age=60"},
                0L, 0L),
            arguments("Age and a slow response", 200,
                new String[] {"Date", HttpDates.format(T0), "Cache-Control", "max-age=60", "Age", "30"},
                0L, 2 * SECOND),
            arguments("lagging Date", 200, new String[] {"Date", HttpDates.format(T0 - 20 * SECOND)}, 0L, 0L),
            arguments("Expires", 200,
                new String[] {"Date", HttpDates.format(T0), "Expires", HttpDates.format(T0 + 3600 * SECOND)}, 0L, 0L),
            arguments("heuristic", 404,
                new String[] {"Date", HttpDates.format(T0), "Last-Modified", HttpDates.format(T0 - 100 * SECOND)},
                0L, SECOND),
            arguments("s-maxage on a 500", 500, new String[] {"Date", HttpDates.format(T0), "Cache-Control",
                "s-maxage=5"}, 0L, 0L),
            arguments("no fields", 200, new String[] {}, SECOND, 3 * SECOND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void freshnessIsWhatThePolicyComputesFromTheStoredFields(String description, int status, String[] fields,
                                                             long request, long response) {
        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        for (int i = 0; i < fields.length; i += 2) {
            headers.add(fields[i], fields[i + 1]);
        }
        BodyBuffer body = BodyBuffer.of(UnpooledByteBufAllocator.DEFAULT, new byte[] {1, 2, 3});
        CachedObject object = new CachedObject(CacheKey.primary("/x"), status, null, headers, body, T0 + request,
                T0 + response);
        try {
            assertThat(object.lifetimeMillis()).isEqualTo(Freshness.lifetimeMillis(status, headers));
            for (long now : new long[] {response - SECOND, response, response + 59 * SECOND, response + 3600 * SECOND}) {
                assertThat(object.freshness(T0 + now))
                    .isEqualTo(Freshness.state(status, headers, T0 + request, T0 + response, T0 + now));
                assertThat(object.currentAgeMillis(T0 + now))
                    .isEqualTo(Freshness.currentAgeMillis(headers, T0 + request, T0 + response, T0 + now));
            }
        } finally {
            body.release();
        }
    }
}
