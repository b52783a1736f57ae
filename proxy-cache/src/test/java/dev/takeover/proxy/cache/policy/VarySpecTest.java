package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VarySpecTest {

    /** Rows: description, response headers, expected spec. */
    static Stream<Arguments> specs() {
        return Stream.of(
            arguments("no Vary", TestHeaders.of(), VarySpec.NONE),
            arguments("empty Vary", TestHeaders.of("Vary", ""), VarySpec.NONE),
            arguments("one field", TestHeaders.of("Vary", "Accept-Encoding"),
                new VarySpec(List.of("accept-encoding"), false)),
            arguments("sorted, lower-cased, deduplicated", TestHeaders.of("Vary", "User-Agent, accept-encoding",
                    "Vary", "Accept-Encoding,ACCEPT"),
                new VarySpec(List.of("accept", "accept-encoding", "user-agent"), false)),
            arguments("wildcard", TestHeaders.of("Vary", "*"), new VarySpec(List.of(), true)),
            arguments("wildcard among names", TestHeaders.of("Vary", "Accept, *"),
                new VarySpec(List.of("accept"), true)),
            arguments("junk members ignored", TestHeaders.of("Vary", "Accept, \"x\", a b, , Origin"),
                new VarySpec(List.of("accept", "origin"), false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void parsesVary(String description, HttpHeaders response, VarySpec expected) {
        assertThat(VarySpec.of(response)).isEqualTo(expected);
    }

    @Test
    void normalizesOnConstruction() {
        assertThat(new VarySpec(List.of("B", "a", "b"), false)).isEqualTo(new VarySpec(List.of("a", "b"), false));
        assertThat(new VarySpec(List.of("B", "a"), false).hashCode())
            .isEqualTo(new VarySpec(List.of("a", "b"), false).hashCode());
        assertThatThrownBy(() -> new VarySpec(List.of("*"), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VarySpec(List.of("a b"), false)).isInstanceOf(IllegalArgumentException.class);
    }

    private static final VarySpec ENCODING_AND_LANGUAGE =
        new VarySpec(List.of("Accept-Encoding", "Accept-Language"), false);

    /** Rows: first request, second request, whether their secondary keys are equal. */
    static Stream<Arguments> keys() {
        return Stream.of(
            arguments(TestHeaders.of("Accept-Encoding", "gzip"), TestHeaders.of("accept-encoding", "gzip"), true),
            arguments(TestHeaders.of("Accept-Encoding", "gzip"), TestHeaders.of("Accept-Encoding", "br"), false),
            arguments(TestHeaders.of("Accept-Encoding", "gzip,br"), TestHeaders.of("Accept-Encoding", "gzip , br"),
                true),
            arguments(TestHeaders.of("Accept-Encoding", "gzip", "Accept-Encoding", "br"),
                TestHeaders.of("Accept-Encoding", "gzip, br"), true),
            arguments(TestHeaders.of("Accept-Encoding", "gzip, br"), TestHeaders.of("Accept-Encoding", "br, gzip"),
                false),
            arguments(TestHeaders.of("Accept-Encoding", "gzip, br"), TestHeaders.of("Accept-Encoding", "gzip,,br"),
                true),
            // Absent and empty are different.
            arguments(TestHeaders.of(), TestHeaders.of("Accept-Encoding", ""), false),
            arguments(TestHeaders.of("Accept-Encoding", ""), TestHeaders.of("Accept-Encoding", ""), true),
            arguments(TestHeaders.of(), TestHeaders.of(), true),
            // Unrelated fields do not matter.
            arguments(TestHeaders.of("Accept-Encoding", "gzip", "Cookie", "a=1"),
                TestHeaders.of("Accept-Encoding", "gzip", "Cookie", "a=2"), true),
            // Values cannot spill into the next field.
            arguments(TestHeaders.of("Accept-Encoding", "x;accept-language=5:en"),
                TestHeaders.of("Accept-Encoding", "x", "Accept-Language", "en"), false),
            arguments(TestHeaders.of("Accept-Encoding", "gzip", "Accept-Language", "en"),
                TestHeaders.of("Accept-Encoding", "gzip", "Accept-Language", "de"), false));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void secondaryKeysMatchNormalizedValues(HttpHeaders first, HttpHeaders second, boolean equal) {
        String a = ENCODING_AND_LANGUAGE.secondaryKey(first);
        String b = ENCODING_AND_LANGUAGE.secondaryKey(second);
        if (equal) {
            assertThat(a).isEqualTo(b);
        } else {
            assertThat(a).isNotEqualTo(b);
        }
    }

    @Test
    void noVaryGivesAnEmptyKey() {
        assertThat(VarySpec.NONE.secondaryKey(TestHeaders.of("Accept", "x"))).isEmpty();
    }

    @Test
    void wildcardHasNoKey() {
        assertThatThrownBy(() -> new VarySpec(List.of(), true).secondaryKey(TestHeaders.of()))
            .isInstanceOf(IllegalStateException.class);
    }
}
