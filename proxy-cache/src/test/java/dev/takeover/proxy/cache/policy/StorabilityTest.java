package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StorabilityTest {

    private static final HttpHeaders NONE = TestHeaders.of();
    private static final String DATE = "Sun, 06 Nov 1994 08:49:37 GMT";

    /** Rows: method, request headers, status, response headers, expected reason (null = Store). */
    static Stream<Arguments> decisions() {
        return Stream.of(
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Cache-Control", "max-age=60"), null),
            arguments(HttpMethod.GET, NONE, 200, NONE, null),
            arguments(HttpMethod.GET, NONE, 404, TestHeaders.of("Date", DATE), null),
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Cache-Control", "no-cache"), null),
            arguments(HttpMethod.HEAD, NONE, 200, TestHeaders.of("Cache-Control", "max-age=60"), "method HEAD"),
            arguments(HttpMethod.POST, NONE, 200, TestHeaders.of("Cache-Control", "max-age=60"), "method POST"),
            // 302/307 need explicit freshness.
            arguments(HttpMethod.GET, NONE, 302, NONE, "status 302 without explicit freshness"),
            arguments(HttpMethod.GET, NONE, 307, TestHeaders.of("ETag", "\"v1\""),
                "status 307 without explicit freshness"),
            arguments(HttpMethod.GET, NONE, 302, TestHeaders.of("Cache-Control", "max-age=60"), null),
            arguments(HttpMethod.GET, NONE, 307, TestHeaders.of("Cache-Control", "s-maxage=60"), null),
            arguments(HttpMethod.GET, NONE, 302, TestHeaders.of("Expires", DATE), null),
            arguments(HttpMethod.GET, NONE, 206, TestHeaders.of("Cache-Control", "max-age=60"),
                "status 206 is not cacheable"),
            arguments(HttpMethod.GET, NONE, 500, TestHeaders.of("Cache-Control", "max-age=60"),
                "status 500 is not cacheable"),
            arguments(HttpMethod.GET, NONE, 304, TestHeaders.of("Cache-Control", "max-age=60"),
                "status 304 is not cacheable"),
            arguments(HttpMethod.GET, NONE, 100, NONE, "status 100 is not cacheable"),
            // no-store, private.
            arguments(HttpMethod.GET, TestHeaders.of("Cache-Control", "no-store"), 200,
                TestHeaders.of("Cache-Control", "max-age=60"), "request no-store"),
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Cache-Control", "max-age=60, no-store"),
                "response no-store"),
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Cache-Control", "public", "Cache-Control", "no-store"),
                "response no-store"),
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Cache-Control", "private, max-age=60"),
                "response private"),
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Cache-Control", "private=\"X-User\", max-age=60"),
                "response private"),
            // Authorization needs public, s-maxage or must-revalidate.
            arguments(HttpMethod.GET, TestHeaders.of("Authorization", "Bearer x"), 200,
                TestHeaders.of("Cache-Control", "max-age=60"), "Authorization"),
            arguments(HttpMethod.GET, TestHeaders.of("Authorization", "Bearer x"), 200,
                TestHeaders.of("Cache-Control", "public, max-age=60"), null),
            arguments(HttpMethod.GET, TestHeaders.of("Authorization", "Bearer x"), 200,
                TestHeaders.of("Cache-Control", "s-maxage=60"), null),
            arguments(HttpMethod.GET, TestHeaders.of("Authorization", "Bearer x"), 200,
                TestHeaders.of("Cache-Control", "must-revalidate"), null),
            arguments(HttpMethod.GET, TestHeaders.of("Authorization", "Bearer x"), 200,
                TestHeaders.of("Cache-Control", "public, private"), "response private"),
            // Vary.
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Vary", "*"), "Vary: *"),
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Vary", "Accept-Encoding", "Vary", "*"), "Vary: *"),
            arguments(HttpMethod.GET, NONE, 200, TestHeaders.of("Vary", "Accept-Encoding"), null),
            // Cookies are never shared.
            arguments(HttpMethod.GET, NONE, 200,
                TestHeaders.of("Cache-Control", "public, max-age=60", "Set-Cookie", "a=b"), "Set-Cookie"));
    }

    @ParameterizedTest
    @MethodSource("decisions")
    void decides(HttpMethod method, HttpHeaders request, int status, HttpHeaders response, String reason) {
        StoreDecision decision = Storability.decide(method, request, status, response);
        if (reason == null) {
            assertThat(decision).isEqualTo(new StoreDecision.Store());
        } else {
            assertThat(decision).isInstanceOfSatisfying(StoreDecision.DoNotStore.class,
                d -> assertThat(d.reason()).contains(reason));
        }
    }

    static IntStream statuses() {
        return IntStream.rangeClosed(100, 599);
    }

    @ParameterizedTest
    @MethodSource("statuses")
    void onlyHeuristicallyCacheableStatusesAreStoredWithoutExplicitFreshness(int status) {
        boolean expected = switch (status) {
            case 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501 -> true;
            default -> false;
        };
        assertThat(Storability.isHeuristicallyCacheable(status)).isEqualTo(expected);
        assertThat(Storability.decide(HttpMethod.GET, NONE, status, TestHeaders.of("Date", DATE)))
            .isInstanceOf(expected ? StoreDecision.Store.class : StoreDecision.DoNotStore.class);
    }

    @Test
    void doNotStoreRequiresAReason() {
        assertThatThrownBy(() -> new StoreDecision.DoNotStore(null)).isInstanceOf(NullPointerException.class);
    }
}
