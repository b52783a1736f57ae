package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StoredHeadersTest {

    private static final String OLD_DATE = HttpDates.format(784_111_777_000L);
    private static final String NEW_DATE = HttpDates.format(784_111_777_000L + 3_600_000);

    private static HttpHeaders stored() {
        return TestHeaders.of(
            "Content-Type", "text/html",
            "Content-Length", "1234",
            "Content-Encoding", "gzip",
            "Content-Range", "bytes 0-1233/1234",
            "ETag", "\"v1\"",
            "Date", OLD_DATE,
            "Cache-Control", "max-age=60",
            "X-Multi", "a",
            "X-Multi", "b",
            "X-Untouched", "keep");
    }

    /** Rows: description, 304 headers, field name, expected values of that field after the update. */
    static Stream<Arguments> updates() {
        return Stream.of(
            arguments("Date replaced", TestHeaders.of("Date", NEW_DATE), "Date", List.of(NEW_DATE)),
            arguments("Cache-Control replaced", TestHeaders.of("Cache-Control", "max-age=300"), "Cache-Control",
                List.of("max-age=300")),
            arguments("field added", TestHeaders.of("Expires", NEW_DATE), "Expires", List.of(NEW_DATE)),
            arguments("Age added", TestHeaders.of("Age", "5"), "Age", List.of("5")),
            arguments("name matched case-insensitively", TestHeaders.of("cache-control", "no-cache"),
                "Cache-Control", List.of("no-cache")),
            arguments("all lines replaced by all lines", TestHeaders.of("X-Multi", "c", "X-Multi", "d"), "X-Multi",
                List.of("c", "d")),
            arguments("absent fields untouched", TestHeaders.of("Date", NEW_DATE), "X-Untouched", List.of("keep")),
            arguments("ETag updated", TestHeaders.of("ETag", "W/\"v1\""), "ETag", List.of("W/\"v1\"")),
            arguments("Content-Length kept", TestHeaders.of("Content-Length", "0"), "Content-Length",
                List.of("1234")),
            arguments("Content-Encoding kept", TestHeaders.of("Content-Encoding", "br"), "Content-Encoding",
                List.of("gzip")),
            arguments("Content-Range kept", TestHeaders.of("Content-Range", "bytes */1234"), "Content-Range",
                List.of("bytes 0-1233/1234")),
            arguments("Transfer-Encoding not added", TestHeaders.of("Transfer-Encoding", "chunked"),
                "Transfer-Encoding", List.of()),
            arguments("Connection not added", TestHeaders.of("Connection", "close"), "Connection", List.of()),
            arguments("Keep-Alive not added", TestHeaders.of("Keep-Alive", "timeout=5"), "Keep-Alive", List.of()),
            arguments("field named in Connection not copied",
                TestHeaders.of("Connection", "X-Hop", "X-Hop", "1", "X-Multi", "z"), "X-Hop", List.of()),
            arguments("field named in Connection does not replace",
                TestHeaders.of("Connection", "x-untouched", "X-Untouched", "changed"), "X-Untouched",
                List.of("keep")),
            arguments("other fields still copied with Connection",
                TestHeaders.of("Connection", "X-Hop", "X-Multi", "z"), "X-Multi", List.of("z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updates")
    void updates(String description, HttpHeaders notModified, String name, List<String> expected) {
        HttpHeaders stored = stored();
        HttpHeaders updated = StoredHeaders.updateFrom304(stored, notModified);
        assertThat(updated.getAll(name)).isEqualTo(expected);
    }

    @Test
    void doesNotMutateItsInputs() {
        HttpHeaders stored = stored();
        HttpHeaders notModified = TestHeaders.of("Date", NEW_DATE, "Content-Length", "0", "Connection", "close");
        HttpHeaders updated = StoredHeaders.updateFrom304(stored, notModified);

        assertThat(updated).isNotSameAs(stored);
        assertThat(lines(stored)).isEqualTo(lines(stored()));
        assertThat(lines(notModified))
            .containsExactly("Date: " + NEW_DATE, "Content-Length: 0", "Connection: close");
        updated.set("X-New", "1");
        assertThat(stored.contains("X-New")).isFalse();
    }

    private static List<String> lines(HttpHeaders headers) {
        return headers.entries().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
    }

    /** Rows: description, stored headers, 304 headers, expected canUpdateFrom304. */
    static Stream<Arguments> selection() {
        String lm = OLD_DATE;
        return Stream.of(
            arguments("same strong ETag", TestHeaders.of("ETag", "\"v1\""), TestHeaders.of("ETag", "\"v1\""), true),
            arguments("different strong ETag", TestHeaders.of("ETag", "\"v1\""), TestHeaders.of("ETag", "\"v2\""),
                false),
            arguments("strong 304 ETag, weak stored", TestHeaders.of("ETag", "W/\"v1\""),
                TestHeaders.of("ETag", "\"v1\""), false),
            arguments("weak 304 ETag, strong stored", TestHeaders.of("ETag", "\"v1\""),
                TestHeaders.of("ETag", "W/\"v1\""), true),
            arguments("weak 304 ETag, different", TestHeaders.of("ETag", "\"v1\""),
                TestHeaders.of("ETag", "W/\"v2\""), false),
            arguments("304 ETag, stored none", TestHeaders.of(), TestHeaders.of("ETag", "\"v1\""), false),
            arguments("same Last-Modified", TestHeaders.of("Last-Modified", lm), TestHeaders.of("Last-Modified", lm),
                true),
            arguments("different Last-Modified", TestHeaders.of("Last-Modified", lm),
                TestHeaders.of("Last-Modified", NEW_DATE), false),
            arguments("304 Last-Modified, stored none", TestHeaders.of("ETag", "\"v1\""),
                TestHeaders.of("Last-Modified", lm), true),
            arguments("no validator in the 304", TestHeaders.of("ETag", "\"v1\""), TestHeaders.of("Date", NEW_DATE),
                true),
            arguments("malformed 304 ETag counts as absent", TestHeaders.of("ETag", "\"v1\""),
                TestHeaders.of("ETag", "v2"), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selection")
    void selectsStoredResponse(String description, HttpHeaders stored, HttpHeaders notModified, boolean expected) {
        assertThat(StoredHeaders.canUpdateFrom304(stored, notModified)).isEqualTo(expected);
    }
}
