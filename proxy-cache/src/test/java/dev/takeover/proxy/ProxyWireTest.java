package dev.takeover.proxy;

import static dev.takeover.proxy.ScriptedOrigin.bytes;
import static dev.takeover.proxy.ScriptedOrigin.fixed;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What goes over the client connection, byte for byte: persistence, pipelining, framing, bad input. */
class ProxyWireTest {
    private ScriptedOrigin origin;
    private ProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        origin = new ScriptedOrigin();
        origin.on("/one", fixed(200, "first".getBytes(), "Cache-Control", "max-age=60"));
        origin.on("/two", fixed(200, "second!".getBytes(), "Cache-Control", "max-age=60"));
        origin.on("/echo", ex -> fixed(200, origin.seen.getLast().body()).answer(ex));
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri())
                .withCache(16L << 20, 4L << 20)
                .withLimits(4096, 1024)
                .withTimeouts(Duration.ofMillis(400), Duration.ofSeconds(30)));
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\nGET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(new String(c.read().body())).isEqualTo("second!");
            assertThat(new String(c.read().body())).isEqualTo("first");
            assertThat(new String(c.read().body())).isEqualTo("second!");
            c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response again = c.read();
            assertThat(again.field("x-cache")).isEqualTo("HIT");
            assertThat(again.field("connection")).isNull();
        }
    }

    @Test
    void connectionCloseIsHonouredAndAnnounced() throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /one HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawClient.Response r = c.read();
            assertThat(r.field("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void http10ClientsGetKeepAliveOnlyWhenTheyAsk() throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /one HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawClient.Response r = c.read();
            assertThat(r.field("connection")).isEqualTo("keep-alive");
            c.send("GET /two HTTP/1.0\r\n\r\n");
            assertThat(new String(c.read().body())).isEqualTo("second!");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void chunkedAndFixedRequestBodiesReachTheOrigin() throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertThat(new String(c.read().body())).isEqualTo("hello world");
            c.send("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd");
            assertThat(new String(c.read().body())).isEqualTo("abcd");
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            RawClient.Response interim = c.read();
            assertThat(interim.status()).isEqualTo(100);
            c.send("xyz");
            assertThat(new String(c.read().body())).isEqualTo("xyz");
        }
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("garbage request line", "HELLO\r\n\r\n", 400),
                Arguments.of("field without colon", "GET / HTTP/1.1\r\nHost: x\r\nBroken\r\n\r\n", 400),
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
                Arguments.of("missing Host", "GET /one HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Hosts", "GET /one HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("bad target", "GET one HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("URI too long", "GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of("header block too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(5000) + "\r\n\r\n", 431),
                Arguments.of("Content-Length and Transfer-Encoding",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("differing Content-Lengths",
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("unknown transfer coding", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
                Arguments.of("unsupported expectation", "GET /one HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417),
                Arguments.of("HTTP/2 preface on HTTP/1", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badRequests")
    void badInputGetsAClearErrorAndTheConnectionCloses(String what, String request, int status) throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send(request);
            RawClient.Response r = c.read();
            assertThat(r.status()).as(what).isEqualTo(status);
            assertThat(r.field("connection")).isEqualTo("close");
            assertThat(new String(r.body())).isNotBlank();
            assertThat(c.closedByServer()).isTrue();
        }
        // The node is unharmed and its cache unpoisoned.
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(new String(c.read().body())).isEqualTo("first");
        }
    }

    @Test
    void aSmuggledSecondRequestIsNeverAnswered() throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(400);
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(origin.count("/two")).isZero();
    }

    @Test
    void aRequestWhoseHeadersArriveTooSlowlyGets408() throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /one HTTP/1.1\r\nHost: x\r\n");
            RawClient.Response r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsNotTimedOutByTheHeaderTimer() throws Exception {
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            c.read();
            c.timeout(800);
            assertThat(c.closedByServer()).isFalse(); // idle longer than the header timeout: still open
            c.timeout(10_000);
            c.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(new String(c.read().body())).isEqualTo("second!");
        }
    }

    @Test
    void identicalResponsesCarryIdenticalHeaderBlocksApartFromAge() throws Exception {
        origin.on("/same", fixed(200, bytes(3000, 1), "Cache-Control", "max-age=60", "ETag", "\"s\"",
                "Content-Type", "application/octet-stream"));
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /same HTTP/1.1\r\nHost: x\r\n\r\n");
            c.read();
            c.send("GET /same HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response a = c.read();
            c.send("GET /same HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response b = c.read();
            assertThat(a.head().replaceAll("Age: \\d+", "Age: N")).isEqualTo(b.head().replaceAll("Age: \\d+", "Age: N"));
            assertThat(a.body()).isEqualTo(b.body());
        }
    }
}
