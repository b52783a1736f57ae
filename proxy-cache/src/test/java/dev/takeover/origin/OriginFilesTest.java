package dev.takeover.origin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Serves a temporary directory twice: without a rate limit (zero-copy file regions) and with a generous one (chunked
 * file reads through traffic shaping), so both file paths are checked byte for byte.
 */
class OriginFilesTest {

    @TempDir
    static Path temp;
    private static Path root;
    private static byte[] large;
    private static OriginServer zeroCopy;
    private static OriginServer chunked;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(temp.resolve("root"));
        Files.writeString(temp.resolve("secret.txt"), "outside the root");
        Files.writeString(root.resolve("hello.txt"), "hello, origin\n");
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(Instant.parse("2024-03-04T05:06:07.890Z")));
        Files.createDirectories(root.resolve("sub"));
        large = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(large);
        Files.write(root.resolve("sub/large.bin"), large);
        Files.writeString(root.resolve("a b+c.json"), "{}");
        Files.write(root.resolve("empty.dat"), new byte[0]);
        Files.createSymbolicLink(root.resolve("escape.txt"), temp.resolve("secret.txt"));
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        zeroCopy = OriginServer.start(new OriginSettings(loopback, Optional.of(root), 0));
        chunked = OriginServer.start(new OriginSettings(loopback, Optional.of(root), 512L * 1024 * 1024));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        zeroCopy.close();
        chunked.close();
    }

    /** Names the servers: a server passed as an argument would be closed by JUnit after one test (AutoCloseable). */
    enum Server {
        ZERO_COPY, CHUNKED;

        OriginServer get() {
            return this == ZERO_COPY ? zeroCopy : chunked;
        }
    }

    private static HttpResponse<byte[]> get(OriginServer server, String target, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(OriginServerTest.uri(server, target));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void servesAFileWithValidators(Server kind) throws Exception {
        OriginServer server = kind.get();
        HttpResponse<byte[]> response = get(server, "/hello.txt");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Files.readAllBytes(root.resolve("hello.txt")));
        assertThat(response.headers().firstValue("content-type")).contains("text/plain; charset=utf-8");
        assertThat(response.headers().firstValue("last-modified")).contains("Mon, 04 Mar 2024 05:06:07 GMT");
        assertThat(response.headers().firstValue("etag")).hasValueSatisfying(tag -> assertThat(tag).matches("\"[!#-~]+\""));
        assertThat(response.headers().firstValue("cache-control")).contains("public, max-age=3600");
        assertThat(response.headers().firstValue("accept-ranges")).contains("bytes");
        assertThat(response.headers().firstValue("date")).isPresent();
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(response.body().length);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void streamsALargeFileAndItsRanges(Server kind) throws Exception {
        OriginServer server = kind.get();
        HttpResponse<byte[]> whole = get(server, "/sub/large.bin");
        HttpResponse<byte[]> middle = get(server, "/sub/large.bin", "Range", "bytes=1000000-2100000");
        HttpResponse<byte[]> suffix = get(server, "/sub/large.bin", "Range", "bytes=-17");

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("content-type")).contains("application/octet-stream");
        assertThat(whole.body()).isEqualTo(large);
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("content-range")).contains("bytes 1000000-2100000/" + large.length);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(large, 1_000_000, 2_100_001));
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(large, large.length - 17, large.length));
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void servesEmptyAndPercentEncodedNames(Server kind) throws Exception {
        OriginServer server = kind.get();
        HttpResponse<byte[]> empty = get(server, "/empty.dat");
        HttpResponse<byte[]> encoded = get(server, "/a%20b+c.json");

        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(empty.headers().firstValueAsLong("content-length")).hasValue(0);
        assertThat(encoded.statusCode()).isEqualTo(200);
        assertThat(encoded.body()).isEqualTo("{}".getBytes());
        assertThat(encoded.headers().firstValue("content-type")).contains("application/json");
    }

    @Test
    void headAndConditionalsWorkOnFiles() throws Exception {
        HttpResponse<byte[]> get = get(zeroCopy, "/hello.txt");
        String etag = get.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> head = client.send(HttpRequest.newBuilder(OriginServerTest.uri(zeroCopy, "/hello.txt"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length")).isEqualTo(get.headers().firstValue("content-length"));
        assertThat(head.headers().firstValue("etag")).contains(etag);
        assertThat(get(zeroCopy, "/hello.txt", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get(zeroCopy, "/hello.txt", "If-Modified-Since", "Mon, 04 Mar 2024 05:06:07 GMT").statusCode())
                .isEqualTo(304);
        assertThat(get(zeroCopy, "/hello.txt", "If-Modified-Since", "Mon, 04 Mar 2024 05:06:06 GMT").statusCode())
                .isEqualTo(200);
        assertThat(get(zeroCopy, "/hello.txt", "Range", "bytes=0-4", "If-Range", etag).body()).isEqualTo("hello".getBytes());
    }

    @Test
    void aChangedFileGetsANewEtag() throws Exception {
        Path file = root.resolve("changing.txt");
        Files.writeString(file, "version one");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
        String before = get(zeroCopy, "/changing.txt").headers().firstValue("etag").orElseThrow();

        Files.writeString(file, "version two!");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:00:05Z")));
        HttpResponse<byte[]> after = get(zeroCopy, "/changing.txt", "If-None-Match", before);

        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo("version two!".getBytes());
        assertThat(after.headers().firstValue("etag")).isPresent().get().isNotEqualTo(before);
        assertThat(get(zeroCopy, "/changing.txt", "Range", "bytes=0-6", "If-Range", before).statusCode())
                .isEqualTo(200);
    }

    static Stream<Arguments> refusedTargets() {
        return Stream.of(
                Arguments.of("/../secret.txt", 404),
                Arguments.of("/sub/../../secret.txt", 404),
                Arguments.of("/%2e%2e/secret.txt", 404),
                Arguments.of("/%2E%2E%2Fsecret.txt", 404),
                Arguments.of("/..%2fsecret.txt", 404),
                Arguments.of("/sub/..%2F..%2Fsecret.txt", 404),
                Arguments.of("/sub/../hello.txt", 404),
                Arguments.of("/escape.txt", 404),
                Arguments.of("/missing.txt", 404),
                Arguments.of("/sub", 404),
                Arguments.of("/sub/", 404),
                Arguments.of("/", 404),
                Arguments.of("/hello.txt%00", 404),
                Arguments.of("/%zz", 400),
                Arguments.of("/%C3", 400));
    }

    @ParameterizedTest
    @MethodSource("refusedTargets")
    void refusesTraversalAndMissingPaths(String target, int status) throws IOException {
        // a raw socket, so the path reaches the server exactly as written, without client normalization
        try (RawConnection connection = new RawConnection(zeroCopy.address())) {
            RawConnection.Response response = connection.send(RawConnection.get(target)).read();

            assertThat(response.status()).isEqualTo(status);
            assertThat(response.text()).doesNotContain("outside the root");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/synthetic/1k", "/synthetic/5?x"})
    void syntheticObjectsStillWorkWithADirectory(String target) throws Exception {
        assertThat(get(zeroCopy, target).body()).isEqualTo(Synthetic.bytes(target));
    }
}
