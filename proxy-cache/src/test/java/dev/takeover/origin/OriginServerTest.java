package dev.takeover.origin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drives a live origin (synthetic objects, echo, errors) over loopback with the JDK HTTP client. */
class OriginServerTest {

    private static final String OBJECT = "/synthetic/2000/x?v=1";
    private static final String LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT";

    private static OriginServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() throws InterruptedException {
        server = OriginServer.start(OriginSettings.of(new InetSocketAddress("127.0.0.1", 0)));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static HttpRequest.Builder request(String target, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(server, target)).timeout(Duration.ofSeconds(30));
        return headers.length == 0 ? builder : builder.headers(headers);
    }

    static URI uri(OriginServer origin, String target) {
        return URI.create("http://127.0.0.1:" + origin.address().getPort() + target);
    }

    private static HttpResponse<byte[]> get(String target, String... headers) throws Exception {
        return client.send(request(target, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static void assertCacheableValidators(HttpHeaders headers, SyntheticObject object) {
        assertThat(headers.firstValue("etag")).contains(object.etag());
        assertThat(headers.firstValue("last-modified")).contains(LAST_MODIFIED);
        assertThat(headers.firstValue("cache-control")).contains("public, max-age=3600");
        assertThat(headers.firstValue("accept-ranges")).contains("bytes");
        assertThat(headers.firstValue("date")).hasValueSatisfying(date -> assertThat(date).endsWith(" GMT"));
    }

    @Test
    void listensOnTheChosenPort() {
        assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(server.address().getPort()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/synthetic/0", "/synthetic/1", "/synthetic/2000/x?v=1", "/synthetic/64k",
            "/synthetic/64k/plus/1?x", "/synthetic/1m?v=2"})
    void getReturnsTheSyntheticBytes(String target) throws Exception {
        HttpResponse<byte[]> response = get(target);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Synthetic.bytes(target));
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(response.body().length);
        assertThat(response.headers().firstValue("content-type")).contains("application/octet-stream");
        assertCacheableValidators(response.headers(), Synthetic.object(target));
    }

    @Test
    void streamsALargeObjectThatMatchesEverySlice() throws Exception {
        String target = "/synthetic/3m/large?odd=5";
        SyntheticObject object = Synthetic.object(target);
        HttpResponse<InputStream> response = client.send(request(target).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        long offset = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[100_003];
            for (int n = body.readNBytes(buffer, 0, buffer.length); n > 0; n = body.readNBytes(buffer, 0, buffer.length)) {
                assertThat(Arrays.copyOf(buffer, n)).as("at %d", offset).isEqualTo(Synthetic.slice(object, offset, n));
                offset += n;
            }
        }
        assertThat(offset).isEqualTo(object.length());
    }

    @Test
    void headSendsTheHeadersOfGetWithoutBody() throws Exception {
        HttpResponse<byte[]> head = client.send(request(OBJECT).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue(2000);
        assertCacheableValidators(head.headers(), Synthetic.object(OBJECT));
    }

    static Stream<Arguments> satisfiableRanges() {
        return Stream.of(
                Arguments.of("bytes=0-99", 0, 99),
                Arguments.of("bytes=1-1", 1, 1),
                Arguments.of("bytes=1500-", 1500, 1999),
                Arguments.of("bytes=1990-5000", 1990, 1999),
                Arguments.of("bytes=-7", 1993, 1999),
                Arguments.of("bytes=-5000", 0, 1999));
    }

    @ParameterizedTest
    @MethodSource("satisfiableRanges")
    void rangeGetsPartialContent(String range, int first, int last) throws Exception {
        HttpResponse<byte[]> response = get(OBJECT, "Range", range);

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("content-range")).contains("bytes " + first + "-" + last + "/2000");
        assertThat(response.headers().firstValueAsLong("content-length")).hasValue(last - first + 1);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(Synthetic.bytes(OBJECT), first, last + 1));
        assertCacheableValidators(response.headers(), Synthetic.object(OBJECT));
    }

    @Test
    void rangeBeyondFourGibOfAHugeObject() throws Exception {
        String target = "/synthetic/1g?huge";
        long first = (1L << 30) - 10;
        HttpResponse<byte[]> response = get(target, "Range", "bytes=" + first + "-");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("content-range")).contains("bytes " + first + "-1073741823/1073741824");
        assertThat(response.body()).isEqualTo(Synthetic.slice(Synthetic.object(target), first, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=2000-", "bytes=2000-2001", "bytes=-0"})
    void unsatisfiableRangeGets416(String range) throws Exception {
        HttpResponse<byte[]> response = get(OBJECT, "Range", range);

        assertThat(response.statusCode()).isEqualTo(416);
        assertThat(response.headers().firstValue("content-range")).contains("bytes */2000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-1,5-6", "bytes=9-2", "lines=1-2", "bytes=x-"})
    void ignoredRangeGetsTheWholeObject(String range) throws Exception {
        HttpResponse<byte[]> response = get(OBJECT, "Range", range);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Synthetic.bytes(OBJECT));
    }

    static Stream<Arguments> ifRanges() {
        String etag = Synthetic.object(OBJECT).etag();
        return Stream.of(
                Arguments.of(etag, 206),
                Arguments.of(LAST_MODIFIED, 206),
                Arguments.of("\"stale\"", 200),
                Arguments.of("W/" + etag, 200),
                Arguments.of("Tue, 02 Jan 2024 00:00:00 GMT", 200),
                Arguments.of(Synthetic.object("/synthetic/2000").etag(), 200));
    }

    @ParameterizedTest
    @MethodSource("ifRanges")
    void ifRangeHonoursTheRangeOnlyWhenTheValidatorMatches(String ifRange, int status) throws Exception {
        HttpResponse<byte[]> response = get(OBJECT, "Range", "bytes=10-19", "If-Range", ifRange);

        assertThat(response.statusCode()).isEqualTo(status);
        byte[] all = Synthetic.bytes(OBJECT);
        assertThat(response.body()).isEqualTo(status == 206 ? Arrays.copyOfRange(all, 10, 20) : all);
    }

    static Stream<Arguments> conditionals() {
        String etag = Synthetic.object(OBJECT).etag();
        return Stream.of(
                Arguments.of(new String[]{"If-None-Match", etag}, 304),
                Arguments.of(new String[]{"If-None-Match", "W/" + etag}, 304),
                Arguments.of(new String[]{"If-None-Match", "*"}, 304),
                Arguments.of(new String[]{"If-None-Match", "\"a\", " + etag}, 304),
                Arguments.of(new String[]{"If-None-Match", "\"a\""}, 200),
                Arguments.of(new String[]{"If-Modified-Since", LAST_MODIFIED}, 304),
                Arguments.of(new String[]{"If-Modified-Since", "Wed, 01 Jan 2025 00:00:00 GMT"}, 304),
                Arguments.of(new String[]{"If-Modified-Since", "Sun, 31 Dec 2023 23:59:59 GMT"}, 200),
                Arguments.of(new String[]{"If-None-Match", "\"a\"", "If-Modified-Since", LAST_MODIFIED}, 200),
                Arguments.of(new String[]{"If-None-Match", etag, "Range", "bytes=0-1"}, 304));
    }

    @ParameterizedTest
    @MethodSource("conditionals")
    void conditionalGet(String[] headers, int status) throws Exception {
        HttpResponse<byte[]> response = get(OBJECT, headers);

        assertThat(response.statusCode()).isEqualTo(status);
        assertCacheableValidators(response.headers(), Synthetic.object(OBJECT));
        assertThat(response.body()).isEqualTo(status == 304 ? new byte[0] : Synthetic.bytes(OBJECT));
    }

    @Test
    void echoesAFixedLengthBody() throws Exception {
        byte[] body = new byte[100_000];
        new Random(7).nextBytes(body);
        for (String method : new String[]{"POST", "PUT"}) {
            HttpResponse<byte[]> response = client.send(request("/echo/fixed", "Content-Type", "application/x-test")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).as(method).isEqualTo(200);
            assertThat(response.body()).as(method).isEqualTo(body);
            assertThat(response.headers().firstValue("cache-control")).contains("no-store");
            assertThat(response.headers().firstValue("content-type")).contains("application/x-test");
        }
    }

    @Test
    void echoesAChunkedBody() throws Exception {
        byte[] body = new byte[300_001];
        new Random(8).nextBytes(body);
        HttpResponse<byte[]> response = client.send(request("/echo?chunked")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers().firstValue("cache-control")).contains("no-store");
    }

    @Test
    void echoesAnEmptyBody() throws Exception {
        HttpResponse<byte[]> response = client.send(request("/echo").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    static Stream<Arguments> disallowedMethods() {
        return Stream.of(
                Arguments.of("DELETE", "/synthetic/1k", "GET, HEAD"),
                Arguments.of("POST", "/synthetic/1k", "GET, HEAD"),
                Arguments.of("PUT", "/anything", "GET, HEAD"),
                Arguments.of("OPTIONS", "/synthetic/1k", "GET, HEAD"),
                Arguments.of("PATCH", "/synthetic/1k", "GET, HEAD"),
                Arguments.of("DELETE", "/echo", "GET, HEAD, POST, PUT"));
    }

    @ParameterizedTest
    @MethodSource("disallowedMethods")
    void otherMethodsGet405(String method, String target, String allow) throws Exception {
        HttpResponse<byte[]> response = client.send(request(target)
                .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).contains(allow);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/synthetic/abc", "/synthetic/1025g", "/synthetic/99999999999999999999999", "/synthetic/",
            "/synthetic?v=1", "/synthetic/1x/a"})
    void invalidSizeGets400WithAShortText(String target) throws Exception {
        HttpResponse<String> response = client.send(request(target).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("synthetic").hasSizeLessThan(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "/syntheticx/1k", "/echo"})
    void withoutDirectoryOtherPathsGet404(String target) throws Exception {
        assertThat(get(target).statusCode()).isEqualTo(404);
    }

    @Test
    void dateHeaderComesFromTheInjectedClock() throws Exception {
        Clock fixed = Clock.fixed(Instant.parse("2030-02-03T04:05:06Z"), ZoneOffset.UTC);
        try (OriginServer other = OriginServer.start(OriginSettings.of(new InetSocketAddress("127.0.0.1", 0)), fixed)) {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri(other, "/synthetic/1")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.headers().firstValue("date")).contains("Sun, 03 Feb 2030 04:05:06 GMT");
        }
    }

    @Test
    void bindFailureIsAClearException() {
        InetSocketAddress taken = server.address();

        assertThatThrownBy(() -> OriginServer.start(OriginSettings.of(taken)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot listen on")
                .hasMessageContaining(String.valueOf(taken.getPort()));
    }

    @Test
    void closeIsIdempotentAndStopsListening() throws Exception {
        OriginServer other = OriginServer.start(OriginSettings.of(new InetSocketAddress("127.0.0.1", 0)));
        URI uri = uri(other, "/synthetic/10");
        assertThat(client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray())
                .statusCode()).isEqualTo(200);

        other.close();
        other.close();

        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", other.address().getPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void awaitClosedReturnsOnceClosed() throws Exception {
        OriginServer other = OriginServer.start(OriginSettings.of(new InetSocketAddress("127.0.0.1", 0)));
        Thread closer = Thread.ofVirtual().start(other::close);

        other.awaitClosed();
        closer.join();
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", other.address().getPort()).close())
                .isInstanceOf(IOException.class);
    }
}
