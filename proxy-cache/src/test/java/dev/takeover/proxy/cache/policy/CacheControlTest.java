package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheControlTest {

    /** A canonical one-line summary, so rows can state the whole parse result. */
    static String summary(CacheControl cc) {
        List<String> parts = new ArrayList<>();
        seconds(parts, "max-age", cc.maxAge());
        seconds(parts, "s-maxage", cc.sMaxAge());
        seconds(parts, "max-stale", cc.maxStale());
        seconds(parts, "min-fresh", cc.minFresh());
        seconds(parts, "stale-while-revalidate", cc.staleWhileRevalidate());
        seconds(parts, "stale-if-error", cc.staleIfError());
        flag(parts, "no-store", cc.noStore());
        flag(parts, "no-cache", cc.noCache());
        flag(parts, "private", cc.isPrivate());
        flag(parts, "public", cc.isPublic());
        flag(parts, "must-revalidate", cc.mustRevalidate());
        flag(parts, "proxy-revalidate", cc.proxyRevalidate());
        flag(parts, "only-if-cached", cc.onlyIfCached());
        flag(parts, "no-transform", cc.noTransform());
        flag(parts, "immutable", cc.immutable());
        return String.join(" ", parts);
    }

    private static void seconds(List<String> parts, String name, OptionalLong value) {
        value.ifPresent(v -> parts.add(name + "=" + (v == CacheControl.UNLIMITED ? "any" : Long.toString(v))));
    }

    private static void flag(List<String> parts, String name, boolean set) {
        if (set) {
            parts.add(name);
        }
    }

    static Stream<Arguments> responseValues() {
        return Stream.of(
            arguments(List.of(), ""),
            arguments(List.of(""), ""),
            arguments(List.of("max-age=60"), "max-age=60"),
            arguments(List.of("MAX-AGE=60, No-Store"), "max-age=60 no-store"),
            arguments(List.of("max-age=\"60\""), "max-age=60"),
            arguments(List.of("max-age = 60"), "max-age=60"),
            arguments(List.of("s-maxage=30, max-age=60, public"), "max-age=60 s-maxage=30 public"),
            // Commas inside quoted strings do not split directives.
            arguments(List.of("private=\"Set-Cookie, X-Foo\", max-age=60"), "max-age=60 private"),
            arguments(List.of("no-cache=\"Set-Cookie\", s-maxage=30"), "s-maxage=30 no-cache"),
            arguments(List.of("ext=\"a,b,max-age=5\", public"), "public"),
            arguments(List.of("ext=\"a\\\",max-age=5\", max-age=7"), "max-age=7"),
            // Duplicates: the most restrictive wins, within one line or across lines.
            arguments(List.of("max-age=60, max-age=30"), "max-age=30"),
            arguments(List.of("max-age=30", "max-age=60"), "max-age=30"),
            arguments(List.of("s-maxage=10, s-maxage=5"), "s-maxage=5"),
            arguments(List.of("stale-if-error=100, stale-if-error=50"), "stale-if-error=50"),
            arguments(List.of("stale-while-revalidate=9, stale-while-revalidate=99"), "stale-while-revalidate=9"),
            arguments(List.of("no-store", "max-age=5"), "max-age=5 no-store"),
            // Invalid freshness information is stale; other malformed arguments are dropped.
            arguments(List.of("max-age=abc"), "max-age=0"),
            arguments(List.of("max-age"), "max-age=0"),
            arguments(List.of("max-age=-5"), "max-age=0"),
            arguments(List.of("max-age=1.5"), "max-age=0"),
            arguments(List.of("s-maxage=\" 60\""), "s-maxage=0"),
            arguments(List.of("max-age=60 junk, public"), "max-age=0 public"),
            arguments(List.of("max-age=99999999999999999999999"), "max-age=2147483648"),
            arguments(List.of("max-age=2147483649"), "max-age=2147483648"),
            arguments(List.of("stale-if-error=x, stale-while-revalidate"), ""),
            arguments(List.of("stale-while-revalidate=30, stale-if-error=600"),
                "stale-while-revalidate=30 stale-if-error=600"),
            arguments(List.of("must-revalidate, proxy-revalidate, no-transform, immutable, public"),
                "public must-revalidate proxy-revalidate no-transform immutable"),
            arguments(List.of("no-store=1, PRIVATE"), "no-store private"),
            // Junk and unknown extensions are skipped without losing what follows.
            arguments(List.of(",,, ;;; , max-age=5"), "max-age=5"),
            arguments(List.of("=5, no-store"), "no-store"),
            arguments(List.of("\"quoted\", no-cache"), "no-cache"),
            arguments(List.of("community=\"UCI\", @@@, max-age=3"), "max-age=3"),
            arguments(List.of("private=\"foo, max-age=60"), "private"),
            arguments(List.of("max-age=5,,must-revalidate"), "max-age=5 must-revalidate"));
    }

    @ParameterizedTest
    @MethodSource("responseValues")
    void parsesResponseDirectives(List<String> lines, String expected) {
        HttpHeaders headers = TestHeaders.of();
        lines.forEach(line -> headers.add("Cache-Control", line));
        assertThat(summary(CacheControl.ofResponse(headers))).isEqualTo(expected);
    }

    static Stream<Arguments> requestHeaders() {
        return Stream.of(
            arguments(TestHeaders.of(), ""),
            arguments(TestHeaders.of("Cache-Control", "max-stale"), "max-stale=any"),
            arguments(TestHeaders.of("Cache-Control", "max-stale=30, max-stale"), "max-stale=30"),
            arguments(TestHeaders.of("Cache-Control", "max-stale=abc"), ""),
            arguments(TestHeaders.of("Cache-Control", "max-stale junk"), ""),
            arguments(TestHeaders.of("Cache-Control", "min-fresh=10, min-fresh=20"), "min-fresh=20"),
            arguments(TestHeaders.of("Cache-Control", "min-fresh=x"), ""),
            arguments(TestHeaders.of("Cache-Control", "only-if-cached, max-age=0"), "max-age=0 only-if-cached"),
            arguments(TestHeaders.of("Cache-Control", "stale-if-error=60"), "stale-if-error=60"),
            // Pragma: no-cache counts only without Cache-Control (RFC 9111 §5.4).
            arguments(TestHeaders.of("Pragma", "no-cache"), "no-cache"),
            arguments(TestHeaders.of("Pragma", "foo, No-Cache"), "no-cache"),
            arguments(TestHeaders.of("Pragma", "foo", "Pragma", "no-cache"), "no-cache"),
            arguments(TestHeaders.of("Pragma", "x-no-cache"), ""),
            arguments(TestHeaders.of("Pragma", "no-cache", "Cache-Control", "max-age=5"), "max-age=5"),
            arguments(TestHeaders.of("Pragma", "no-cache", "Cache-Control", ""), ""));
    }

    @ParameterizedTest
    @MethodSource("requestHeaders")
    void parsesRequestDirectives(HttpHeaders headers, String expected) {
        assertThat(summary(CacheControl.ofRequest(headers))).isEqualTo(expected);
    }

    @Test
    void responsesIgnorePragma() {
        assertThat(CacheControl.ofResponse(TestHeaders.of("Pragma", "no-cache"))).isEqualTo(CacheControl.EMPTY);
    }

    @Test
    void recordsWithEqualDirectivesAreEqual() {
        assertThat(CacheControl.parse("public, max-age=5")).isEqualTo(CacheControl.parse("MAX-AGE=\"5\" , PUBLIC"));
    }

    @Test
    void rejectsNegativeDurations() {
        assertThatThrownBy(() -> new CacheControl(OptionalLong.of(-1), OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
            false, false, false, false, false, false, false, false, false))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maxAge");
    }
}
