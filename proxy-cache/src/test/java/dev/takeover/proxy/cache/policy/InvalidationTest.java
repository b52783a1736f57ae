package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidationTest {

    private static final HttpHeaders NONE = TestHeaders.of();

    /** Rows: description, method, target, status, response headers, expected targets. */
    static Stream<Arguments> targets() {
        return Stream.of(
            arguments("GET invalidates nothing", HttpMethod.GET, "/a", 200, NONE, List.of()),
            arguments("HEAD", HttpMethod.HEAD, "/a", 200, NONE, List.of()),
            arguments("OPTIONS", HttpMethod.OPTIONS, "/a", 200, NONE, List.of()),
            arguments("TRACE", HttpMethod.TRACE, "/a", 200, NONE, List.of()),
            arguments("POST", HttpMethod.POST, "/a?x=1", 200, NONE, List.of("/a?x=1")),
            arguments("PUT", HttpMethod.PUT, "/a", 201, NONE, List.of("/a")),
            arguments("DELETE", HttpMethod.DELETE, "/a", 204, NONE, List.of("/a")),
            arguments("PATCH", HttpMethod.PATCH, "/a", 200, NONE, List.of("/a")),
            arguments("extension method", HttpMethod.valueOf("PURGE"), "/a", 200, NONE, List.of("/a")),
            arguments("3xx", HttpMethod.POST, "/a", 303, NONE, List.of("/a")),
            arguments("399", HttpMethod.POST, "/a", 399, NONE, List.of("/a")),
            arguments("4xx", HttpMethod.POST, "/a", 404, NONE, List.of()),
            arguments("5xx", HttpMethod.POST, "/a", 500, NONE, List.of()),
            arguments("1xx", HttpMethod.POST, "/a", 100, NONE, List.of()),
            arguments("Location relative", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "/items/5"), List.of("/items", "/items/5")),
            arguments("Location and Content-Location", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "/items/5", "Content-Location", "/items/5?v=2"),
                List.of("/items", "/items/5", "/items/5?v=2")),
            arguments("duplicates removed", HttpMethod.PUT, "/items/5", 200,
                TestHeaders.of("Location", "/items/5", "Content-Location", "/items/5"), List.of("/items/5")),
            arguments("absolute http URL", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "http://example.com/items/5?a=b"), List.of("/items", "/items/5?a=b")),
            arguments("absolute https URL, case-insensitive scheme", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "HTTPS://example.com:8443/x"), List.of("/items", "/x")),
            arguments("absolute URL without path", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "http://example.com"), List.of("/items", "/")),
            arguments("absolute URL with query only", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "http://example.com?q=1"), List.of("/items", "/?q=1")),
            arguments("fragment dropped", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "/items/5#top"), List.of("/items", "/items/5")),
            arguments("relative path ignored", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "items/5", "Content-Location", "../x"), List.of("/items")),
            arguments("network-path reference ignored", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "//evil.example/x"), List.of("/items")),
            arguments("other scheme ignored", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "ftp://example.com/x"), List.of("/items")),
            arguments("URL without authority ignored", HttpMethod.POST, "/items", 201,
                TestHeaders.of("Location", "http:///x"), List.of("/items")),
            arguments("absolute-form request target", HttpMethod.POST, "http://example.com/items?x", 200, NONE,
                List.of("/items?x")),
            arguments("asterisk-form ignored", HttpMethod.valueOf("PURGE"), "*", 200, NONE, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void findsTargets(String description, HttpMethod method, String target, int status, HttpHeaders response,
                      List<String> expected) {
        assertThat(Invalidation.targetsToInvalidate(method, target, status, response))
            .containsExactlyElementsOf(expected);
    }
}
