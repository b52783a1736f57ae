package dev.takeover.origin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection handling over raw sockets: persistence, pipelining, closing, malformed requests. */
class OriginConnectionTest {

    private static OriginServer server;

    @BeforeAll
    static void start() throws InterruptedException {
        server = OriginServer.start(OriginSettings.of(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawConnection connect() throws IOException {
        return new RawConnection(server.address());
    }

    @Test
    void keepsTheConnectionAliveBetweenRequests() throws IOException {
        try (RawConnection connection = connect()) {
            RawConnection.Response first = connection.send(RawConnection.get("/synthetic/1k")).read();
            RawConnection.Response second = connection.send(RawConnection.get("/synthetic/2k?b")).read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo(Synthetic.bytes("/synthetic/1k"));
            assertThat(first.header("connection")).isNull();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).isEqualTo(Synthetic.bytes("/synthetic/2k?b"));
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws IOException {
        try (RawConnection connection = connect()) {
            // the first answer is long and streamed, the later ones short: they must still come after it
            connection.send(RawConnection.get("/synthetic/700k?first")
                    + RawConnection.request("HEAD", "/synthetic/7")
                    + RawConnection.get("/synthetic/nope")
                    + RawConnection.get("/synthetic/5?third", "If-None-Match: *\r\n")
                    + RawConnection.get("/synthetic/9?last"));

            RawConnection.Response first = connection.read();
            RawConnection.Response head = connection.read(true);
            RawConnection.Response bad = connection.read();
            RawConnection.Response notModified = connection.read();
            RawConnection.Response last = connection.read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo(Synthetic.bytes("/synthetic/700k?first"));
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("7");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("etag")).isEqualTo(Synthetic.object("/synthetic/5?third").etag());
            assertThat(last.body()).isEqualTo(Synthetic.bytes("/synthetic/9?last"));
        }
    }

    @Test
    void closesAfterConnectionCloseAndIgnoresWhatFollows() throws IOException {
        try (RawConnection connection = connect()) {
            connection.send(RawConnection.get("/synthetic/3", "Connection: close\r\n")
                    + RawConnection.get("/synthetic/4"));

            RawConnection.Response response = connection.read();

            assertThat(response.body()).isEqualTo(Synthetic.bytes("/synthetic/3"));
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void http10ClosesUnlessAskedToKeepAlive() throws IOException {
        try (RawConnection connection = connect()) {
            connection.send("GET /synthetic/3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawConnection.Response kept = connection.read();
            connection.send("GET /synthetic/4 HTTP/1.0\r\n\r\n");
            RawConnection.Response closing = connection.read();

            assertThat(kept.version()).isEqualTo("HTTP/1.0");
            assertThat(kept.header("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(closing.body()).isEqualTo(Synthetic.bytes("/synthetic/4"));
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void acceptsAbsoluteFormTargets() throws IOException {
        try (RawConnection connection = connect()) {
            RawConnection.Response response = connection.send(
                    RawConnection.get("http://127.0.0.1:" + server.address().getPort() + "/synthetic/10?abs")).read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("etag")).isEqualTo(Synthetic.object("/synthetic/10?abs").etag());
            assertThat(response.body()).isEqualTo(Synthetic.bytes("/synthetic/10?abs"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /synthetic/1k FOO/1.1\r\n\r\n",
            "GET\r\n\r\n",
            "GET /synthetic/1k HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET /synthetic/1k HTTP/1.1\r\nX-Long: %s\r\n\r\n"})
    void malformedRequestsGet400AndAClose(String request) throws IOException {
        try (RawConnection connection = connect()) {
            RawConnection.Response response = connection.send(request.formatted("x".repeat(20_000))).read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(connection.closedByServer()).isTrue();
        }
        try (RawConnection connection = connect()) { // the server survives
            assertThat(connection.send(RawConnection.get("/synthetic/1")).read().status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "example.com:443", "ftp://host/x"})
    void unsupportedTargetFormsGet400(String target) throws IOException {
        try (RawConnection connection = connect()) {
            RawConnection.Response response = connection.send(RawConnection.get(target)).read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.text()).contains("unsupported request target");
        }
    }

    @Test
    void oversizedEchoBodyGets413() throws IOException {
        try (RawConnection connection = connect()) {
            RawConnection.Response response = connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + (OriginChannelInitializer.MAX_REQUEST_BODY + 1) + "\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(413);
        }
    }

    @Test
    void echoesOverARawConnectionWithChunkedRequestBody() throws IOException {
        try (RawConnection connection = connect()) {
            RawConnection.Response response = connection.send("PUT /echo/raw HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("hello, world");
            assertThat(response.header("cache-control")).isEqualTo("no-store");
        }
    }
}
