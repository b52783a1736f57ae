package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EntityTagTest {

    static Stream<Arguments> single() {
        return Stream.of(
            arguments("\"abc\"", new EntityTag(false, "abc")),
            arguments("W/\"abc\"", new EntityTag(true, "abc")),
            arguments("\"\"", new EntityTag(false, "")),
            arguments(" \"a b\" ", null),
            arguments("\"a\"b\"", null),
            arguments("abc", null),
            arguments("\"abc", null),
            arguments("w/\"abc\"", null),
            arguments("W/abc", null),
            arguments("\"", null),
            arguments("", null),
            arguments(null, null),
            arguments("\"caf\u00e9\"", new EntityTag(false, "caf\u00e9")),
            arguments("\"\u20ac\"", null));
    }

    @ParameterizedTest
    @MethodSource("single")
    void parses(String value, EntityTag expected) {
        assertThat(EntityTag.parse(value)).isEqualTo(expected);
    }

    static Stream<Arguments> lists() {
        return Stream.of(
            arguments("\"a\", W/\"b\"", List.of(new EntityTag(false, "a"), new EntityTag(true, "b"))),
            arguments("\"a,b\"", List.of(new EntityTag(false, "a,b"))),
            arguments(" , \"a\" ,", List.of(new EntityTag(false, "a"))),
            arguments("\"a\", b", null),
            arguments("", null),
            arguments(" , ", null));
    }

    @ParameterizedTest
    @MethodSource("lists")
    void parsesLists(String value, List<EntityTag> expected) {
        assertThat(EntityTag.parseList(value)).isEqualTo(expected);
    }

    /** Rows from RFC 9110 §8.8.3.2's table: a, b, strong match, weak match. */
    static Stream<Arguments> comparisons() {
        return Stream.of(
            arguments("W/\"1\"", "W/\"1\"", false, true),
            arguments("W/\"1\"", "W/\"2\"", false, false),
            arguments("W/\"1\"", "\"1\"", false, true),
            arguments("\"1\"", "\"1\"", true, true));
    }

    @ParameterizedTest
    @MethodSource("comparisons")
    void compares(String a, String b, boolean strong, boolean weak) {
        EntityTag x = EntityTag.parse(a);
        EntityTag y = EntityTag.parse(b);
        assertThat(x.strongMatch(y)).isEqualTo(strong);
        assertThat(y.strongMatch(x)).isEqualTo(strong);
        assertThat(x.weakMatch(y)).isEqualTo(weak);
        assertThat(y.weakMatch(x)).isEqualTo(weak);
        assertThat(x.toString()).isEqualTo(a);
    }
}
