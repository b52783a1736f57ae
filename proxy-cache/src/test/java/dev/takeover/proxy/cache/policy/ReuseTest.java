package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReuseTest {

    private static final ReuseDecision FRESH = new ReuseDecision.ServeFresh();
    private static final ReuseDecision REVALIDATE = new ReuseDecision.Revalidate();
    private static final ReuseDecision MAX_STALE = new ReuseDecision.ServeStale(ReuseDecision.ServeStale.MAX_STALE);
    private static final ReuseDecision SWR =
        new ReuseDecision.ServeStale(ReuseDecision.ServeStale.STALE_WHILE_REVALIDATE);

    private static HttpHeaders request(String cacheControl) {
        return cacheControl == null ? TestHeaders.of() : TestHeaders.of("Cache-Control", cacheControl);
    }

    /**
     * Rows: description, request Cache-Control (null = none), response Cache-Control, lifetime s, age s, origin
     * reachable, expected decision.
     */
    static Stream<Arguments> decisions() {
        return Stream.of(
            arguments("fresh", null, "max-age=60", 60, 10, true, FRESH),
            arguments("fresh, origin down", null, "max-age=60", 60, 10, false, FRESH),
            arguments("stale exactly at the lifetime", null, "max-age=60", 60, 60, true, REVALIDATE),
            arguments("stale", null, "max-age=60", 60, 61, true, REVALIDATE),
            arguments("zero lifetime", null, "", 0, 0, true, REVALIDATE),
            // Response no-cache always validates.
            arguments("response no-cache, fresh", null, "no-cache, max-age=60", 60, 0, true, REVALIDATE),
            arguments("qualified no-cache", null, "no-cache=\"Set-Cookie\", max-age=60", 60, 0, true, REVALIDATE),
            // Request directives.
            arguments("request no-cache", "no-cache", "max-age=60", 60, 0, true, REVALIDATE),
            arguments("request max-age=0", "max-age=0", "max-age=60", 60, 0, true, REVALIDATE),
            arguments("request max-age below the age", "max-age=5", "max-age=60", 60, 6, true, REVALIDATE),
            arguments("request max-age equal to the age", "max-age=5", "max-age=60", 60, 5, true, FRESH),
            arguments("request max-age above the age", "max-age=30", "max-age=60", 60, 10, true, FRESH),
            arguments("min-fresh met", "min-fresh=20", "max-age=60", 60, 40, true, FRESH),
            arguments("min-fresh not met", "min-fresh=21", "max-age=60", 60, 40, true, REVALIDATE),
            arguments("min-fresh on a stale response", "min-fresh=0", "max-age=60", 60, 70, true, REVALIDATE),
            arguments("max-stale covers", "max-stale=20", "max-age=60", 60, 80, true, MAX_STALE),
            arguments("max-stale exceeded", "max-stale=20", "max-age=60", 60, 81, true, REVALIDATE),
            arguments("max-stale without value", "max-stale", "max-age=60", 60, 1_000_000, true, MAX_STALE),
            arguments("max-stale with origin down", "max-stale", "max-age=60", 60, 100, false, MAX_STALE),
            arguments("max-stale but must-revalidate", "max-stale", "max-age=60, must-revalidate", 60, 61, true,
                REVALIDATE),
            arguments("max-stale but proxy-revalidate", "max-stale", "max-age=60, proxy-revalidate", 60, 61, true,
                REVALIDATE),
            arguments("max-stale but s-maxage", "max-stale", "s-maxage=60", 60, 61, true, REVALIDATE),
            arguments("max-stale and max-age=0", "max-stale, max-age=0", "max-age=60", 60, 61, true, REVALIDATE),
            arguments("empty request Cache-Control", "", "max-age=60", 60, 0, true, FRESH),
            // stale-while-revalidate.
            arguments("within stale-while-revalidate", null, "max-age=60, stale-while-revalidate=30", 60, 90, true,
                SWR),
            arguments("beyond stale-while-revalidate", null, "max-age=60, stale-while-revalidate=30", 60, 91, true,
                REVALIDATE),
            arguments("stale-while-revalidate, origin down", null, "max-age=60, stale-while-revalidate=30", 60, 70,
                false, REVALIDATE),
            arguments("stale-while-revalidate but must-revalidate", null,
                "max-age=60, stale-while-revalidate=30, must-revalidate", 60, 70, true, REVALIDATE),
            arguments("max-stale is preferred over stale-while-revalidate", "max-stale=100",
                "max-age=60, stale-while-revalidate=30", 60, 70, true, MAX_STALE),
            arguments("stale-if-error needs an error", null, "max-age=60, stale-if-error=300", 60,
                70, true, REVALIDATE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decides(String description, String requestCc, String responseCc, long lifetimeSeconds, long ageSeconds,
                 boolean reachable, ReuseDecision expected) {
        FreshnessState state = new FreshnessState(lifetimeSeconds * 1000, ageSeconds * 1000);
        assertThat(Reuse.decide(request(requestCc), CacheControl.parse(responseCc), state, reachable))
            .isEqualTo(expected);
    }

    @Test
    void honoursPragmaNoCache() {
        assertThat(Reuse.decide(TestHeaders.of("Pragma", "no-cache"), CacheControl.parse("max-age=60"),
            new FreshnessState(60_000, 0), true)).isEqualTo(REVALIDATE);
    }

    @Test
    void onlyStaleWhileRevalidateAsksForBackgroundRevalidation() {
        assertThat(((ReuseDecision.ServeStale) SWR).revalidateInBackground()).isTrue();
        assertThat(((ReuseDecision.ServeStale) MAX_STALE).revalidateInBackground()).isFalse();
    }

    /**
     * Rows: description, response Cache-Control, request Cache-Control, lifetime s, age s, default max stale s,
     * expected.
     */
    static Stream<Arguments> staleOnError() {
        return Stream.of(
            arguments("within the default", "max-age=60", "", 60, 100, 60, true),
            arguments("at the default", "max-age=60", "", 60, 120, 60, true),
            arguments("beyond the default", "max-age=60", "", 60, 121, 60, false),
            arguments("default 0 allows nothing stale", "max-age=60", "", 60, 61, 0, false),
            arguments("fresh", "max-age=60", "", 60, 10, 0, true),
            arguments("fresh with must-revalidate", "max-age=60, must-revalidate", "", 60, 10, 0, true),
            arguments("no-cache, fresh", "max-age=60, no-cache", "", 60, 10, 3600, false),
            arguments("no-cache, stale", "no-cache", "", 0, 10, 3600, false),
            arguments("must-revalidate", "max-age=60, must-revalidate", "", 60, 61, 3600, false),
            arguments("proxy-revalidate", "max-age=60, proxy-revalidate", "", 60, 61, 3600, false),
            arguments("s-maxage implies proxy-revalidate", "s-maxage=60", "", 60, 61, 3600, false),
            arguments("must-revalidate beats stale-if-error", "max-age=60, must-revalidate, stale-if-error=600", "",
                60, 61, 3600, false),
            arguments("stale-if-error beyond the default", "max-age=60, stale-if-error=600", "", 60, 600, 10, true),
            arguments("stale-if-error at its end", "max-age=60, stale-if-error=600", "", 60, 660, 10, true),
            arguments("stale-if-error exceeded", "max-age=60, stale-if-error=600", "", 60, 661, 3600, false),
            arguments("stale-if-error=0 is an explicit limit", "max-age=60, stale-if-error=0", "", 60, 61, 3600,
                false),
            arguments("request stale-if-error", "max-age=60", "stale-if-error=300", 60, 300, 0, true),
            arguments("request stale-if-error exceeded falls back to the default", "max-age=60",
                "stale-if-error=10", 60, 100, 60, true),
            arguments("request max-stale", "max-age=60", "max-stale=500", 60, 500, 0, true),
            arguments("request max-stale unlimited", "max-age=60", "max-stale", 60, 100_000, 0, true),
            arguments("request max-stale does not override must-revalidate", "max-age=60, must-revalidate",
                "max-stale", 60, 61, 3600, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staleOnError")
    void staleOnError(String description, String responseCc, String requestCc, long lifetimeSeconds,
                      long ageSeconds, long defaultMaxStaleSeconds, boolean expected) {
        FreshnessState state = new FreshnessState(lifetimeSeconds * 1000, ageSeconds * 1000);
        assertThat(Reuse.mayServeStaleOnError(CacheControl.parse(responseCc), CacheControl.parse(requestCc), state,
            defaultMaxStaleSeconds * 1000)).isEqualTo(expected);
    }

    @Test
    void rejectsNegativeDefaultMaxStale() {
        assertThatThrownBy(() -> Reuse.mayServeStaleOnError(CacheControl.EMPTY, CacheControl.EMPTY,
            new FreshnessState(0, 0), -1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("defaultMaxStaleMillis");
    }
}
