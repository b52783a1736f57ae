package dev.takeover.proxy.cache.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HopByHopTest {

    /** Rows: description, headers, names expected to remain (in order). */
    static Stream<Arguments> strips() {
        return Stream.of(
            arguments("end-to-end fields stay", TestHeaders.of("Content-Type", "text/plain", "ETag", "\"x\""),
                List.of("Content-Type", "ETag")),
            arguments("fixed hop-by-hop fields go", TestHeaders.of(
                    "Connection", "keep-alive",
                    "Keep-Alive", "timeout=5",
                    "Proxy-Connection", "keep-alive",
                    "Proxy-Authenticate", "Basic",
                    "Proxy-Authorization", "Basic eA==",
                    "TE", "trailers",
                    "Trailer", "X-Checksum",
                    "Transfer-Encoding", "chunked",
                    "Upgrade", "h2c",
                    "Date", "x"),
                List.of("Date")),
            arguments("fields named in Connection go", TestHeaders.of(
                    "Connection", "X-Hop, x-other", "X-Hop", "1", "X-Other", "2", "X-Keep", "3"),
                List.of("X-Keep")),
            arguments("Connection on several lines", TestHeaders.of(
                    "Connection", "X-A", "Connection", "X-B", "X-A", "1", "X-B", "2", "X-C", "3"),
                List.of("X-C")),
            arguments("junk in Connection ignored", TestHeaders.of(
                    "Connection", "\"quoted\", , X-A", "X-A", "1", "X-C", "3"),
                List.of("X-C")),
            arguments("case-insensitive names", TestHeaders.of("transfer-encoding", "chunked", "UPGRADE", "x",
                    "Authorization", "Bearer y"),
                List.of("Authorization")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strips")
    void strips(String description, HttpHeaders headers, List<String> remaining) {
        HttpHeaders stripped = HopByHop.strip(headers);
        assertThat(stripped.entries()).extracting(Map.Entry::getKey).containsExactlyElementsOf(remaining);
    }

    @Test
    void returnsACopy() {
        HttpHeaders headers = TestHeaders.of("Connection", "close", "Date", "x");
        HttpHeaders stripped = HopByHop.strip(headers);
        assertThat(headers.contains("Connection")).isTrue();
        stripped.add("X-New", "1");
        assertThat(headers.contains("X-New")).isFalse();
    }
}
