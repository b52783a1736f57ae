package dev.takeover.proxy;

import static dev.takeover.proxy.ScriptedOrigin.bytes;
import static dev.takeover.proxy.ScriptedOrigin.fixed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The caching behaviour of a real node in front of a scripted origin, over real sockets. */
class ProxyCachingTest {
    private ScriptedOrigin origin;
    private ProxyServer proxy;
    private final TestClock clock = new TestClock();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        origin = new ScriptedOrigin();
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri())
                .withCache(64L << 20, 8L << 20), clock);
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    private URI url(String target) {
        return URI.create("http://127.0.0.1:" + proxy.address().getPort() + target);
    }

    private HttpResponse<byte[]> get(String target, String... fields) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(target)).timeout(Duration.ofSeconds(20));
        if (fields.length > 0) {
            b.headers(fields);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String cache(HttpResponse<?> r) {
        return r.headers().firstValue("X-Cache").orElse("?");
    }

    @Test
    void missThenHitServesTheSameBytesAndAsksTheOriginOnce() throws Exception {
        byte[] body = bytes(100_000, 1);
        origin.on("/a", fixed(200, body, "Cache-Control", "max-age=60", "ETag", "\"v1\""));

        HttpResponse<byte[]> first = get("/a");
        HttpResponse<byte[]> second = get("/a");

        assertThat(first.body()).isEqualTo(body);
        assertThat(second.body()).isEqualTo(body);
        assertThat(cache(first)).isEqualTo("MISS");
        assertThat(cache(second)).isEqualTo("HIT");
        assertThat(second.headers().firstValue("Age")).isPresent();
        assertThat(second.headers().firstValue("ETag")).contains("\"v1\"");
        assertThat(origin.count("/a")).isEqualTo(1);
    }

    @Test
    void concurrentMissesShareOneOriginFetchWhileItFills() throws Exception {
        byte[] body = bytes(400_000, 2);
        origin.on("/slow", ScriptedOrigin.slow(body, 20, 15, false, "Cache-Control", "max-age=60"));

        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(http.sendAsync(HttpRequest.newBuilder(url("/slow")).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (var f : all) {
            assertThat(f.get().body()).isEqualTo(body);
        }
        assertThat(origin.count("/slow")).isEqualTo(1);
        assertThat(all.stream().map(f -> cache(f.join())).toList()).containsOnly("MISS", "HIT").contains("MISS");
    }

    @Test
    void aRequestThatMayNotReuseTheFillingResponseFetchesOnItsOwn() throws Exception {
        byte[] body = bytes(400_000, 4);
        // Storable, but never fresh: every reuse needs a revalidation the filling response cannot stand in for.
        origin.on("/z", ScriptedOrigin.slow(body, 20, 40, false, "Cache-Control", "max-age=0", "ETag", "\"z1\""));
        byte[] fresh = bytes(400_000, 5);
        origin.on("/y", ScriptedOrigin.slow(fresh, 20, 40, false, "Cache-Control", "max-age=60"));

        var first = http.sendAsync(HttpRequest.newBuilder(url("/z")).build(), HttpResponse.BodyHandlers.ofByteArray());
        var firstY = http.sendAsync(HttpRequest.newBuilder(url("/y")).build(), HttpResponse.BodyHandlers.ofByteArray());
        for (int i = 0; i < 500 && (origin.count("/z") == 0 || origin.count("/y") == 0); i++) {
            ScriptedOrigin.sleep(2); // both fills are under way once the origin has their requests
        }
        HttpResponse<byte[]> second = get("/z");
        HttpResponse<byte[]> reload = get("/y", "Cache-Control", "no-cache");

        assertThat(first.get().body()).isEqualTo(body);
        assertThat(second.body()).isEqualTo(body);
        assertThat(cache(second)).isNotEqualTo("HIT");
        assertThat(origin.count("/z")).isEqualTo(2);
        assertThat(firstY.get().body()).isEqualTo(fresh);
        assertThat(reload.body()).isEqualTo(fresh);
        assertThat(cache(reload)).as("the client asked for a copy checked with the origin").isNotEqualTo("HIT");
        assertThat(origin.count("/y")).isEqualTo(2);
    }

    @Test
    void rangesAreServedFromTheCacheAndFromAnObjectStillFilling() throws Exception {
        byte[] body = bytes(300_000, 3);
        origin.on("/r", ScriptedOrigin.slow(body, 30, 20, false, "Cache-Control", "max-age=60", "ETag", "\"r1\""));

        // The first request starts the fill; the range request joins it while bytes are still arriving.
        var full = http.sendAsync(HttpRequest.newBuilder(url("/r")).build(), HttpResponse.BodyHandlers.ofByteArray());
        ScriptedOrigin.sleep(60);
        HttpResponse<byte[]> partial = get("/r", "Range", "bytes=200000-200099");
        assertThat(partial.statusCode()).isEqualTo(206);
        assertThat(partial.headers().firstValue("Content-Range")).contains("bytes 200000-200099/300000");
        assertThat(partial.body()).isEqualTo(Arrays.copyOfRange(body, 200000, 200100));
        assertThat(full.get().body()).isEqualTo(body);

        HttpResponse<byte[]> suffix = get("/r", "Range", "bytes=-10");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(body, body.length - 10, body.length));
        assertThat(get("/r", "Range", "bytes=400000-").statusCode()).isEqualTo(416);
        assertThat(get("/r", "Range", "bytes=0-9", "If-Range", "\"other\"").statusCode()).isEqualTo(200);
        assertThat(origin.count("/r")).isEqualTo(1);
    }

    @Test
    void conditionalRequestsAreAnsweredFromTheCache() throws Exception {
        origin.on("/c", fixed(200, bytes(1000, 4), "Cache-Control", "max-age=60", "ETag", "\"c1\"",
                "Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT"));
        get("/c");
        HttpResponse<byte[]> inm = get("/c", "If-None-Match", "\"c1\"");
        assertThat(inm.statusCode()).isEqualTo(304);
        assertThat(inm.body()).isEmpty();
        assertThat(inm.headers().firstValue("ETag")).contains("\"c1\"");
        assertThat(get("/c", "If-None-Match", "\"zz\"").statusCode()).isEqualTo(200);
        assertThat(get("/c", "If-Modified-Since", "Mon, 02 Nov 2026 10:00:00 GMT").statusCode()).isEqualTo(304);
        assertThat(origin.count("/c")).isEqualTo(1);
    }

    @Test
    void staleObjectsAreRevalidatedAndA304RefreshesTheStoredFields() throws Exception {
        byte[] body = bytes(5000, 5);
        origin.on("/v", ex -> {
            if ("\"e1\"".equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                ex.getResponseHeaders().add("Cache-Control", "max-age=120");
                ex.getResponseHeaders().add("ETag", "\"e1\"");
                ex.getResponseHeaders().add("X-Generation", "2");
                ex.sendResponseHeaders(304, -1);
            } else {
                fixed(200, body, "Cache-Control", "max-age=10", "ETag", "\"e1\"", "X-Generation", "1").answer(ex);
            }
        });
        assertThat(cache(get("/v"))).isEqualTo("MISS");
        clock.advance(Duration.ofSeconds(30));
        HttpResponse<byte[]> revalidated = get("/v");
        assertThat(cache(revalidated)).isEqualTo("REVALIDATED");
        assertThat(revalidated.body()).isEqualTo(body);
        assertThat(revalidated.headers().firstValue("X-Generation")).contains("2");
        assertThat(origin.last("/v").header("If-None-Match")).isEqualTo("\"e1\"");
        HttpResponse<byte[]> hit = get("/v");
        assertThat(cache(hit)).isEqualTo("HIT");
        assertThat(hit.headers().firstValue("Cache-Control")).contains("max-age=120");
        assertThat(origin.count("/v")).isEqualTo(2);
    }

    @Test
    void staleWhileRevalidateServesStaleAndRefreshesInTheBackground() throws Exception {
        byte[] body = bytes(3000, 15);
        // The refreshed copy lives longer: the test clock runs 30 s ahead of the origin's Date.
        origin.on("/swr", ex -> fixed(200, body, "Cache-Control", (origin.count("/swr") == 1 ? "max-age=10" : "max-age=100")
                + ", stale-while-revalidate=600", "ETag", "\"w\"").answer(ex));
        get("/swr");
        clock.advance(Duration.ofSeconds(30));
        HttpResponse<byte[]> stale = get("/swr");
        assertThat(cache(stale)).isEqualTo("STALE");
        assertThat(stale.body()).isEqualTo(body);
        for (int i = 0; i < 200 && origin.count("/swr") < 2; i++) {
            ScriptedOrigin.sleep(10); // the background revalidation is asynchronous; bounded wait
        }
        assertThat(origin.count("/swr")).isEqualTo(2);
        assertThat(origin.last("/swr").header("If-None-Match")).isEqualTo("\"w\"");
        for (int i = 0; i < 200 && !cache(get("/swr")).equals("HIT"); i++) {
            ScriptedOrigin.sleep(10);
        }
        assertThat(cache(get("/swr"))).isEqualTo("HIT");
    }

    @Test
    void uncacheableResponsesPassThroughEveryTime() throws Exception {
        origin.on("/p", fixed(200, bytes(2000, 6), "Cache-Control", "no-store"));
        origin.on("/priv", fixed(200, bytes(2000, 7), "Cache-Control", "private, max-age=60"));
        origin.on("/cookie", fixed(200, bytes(10, 7), "Cache-Control", "max-age=60", "Set-Cookie", "a=b"));
        for (String t : List.of("/p", "/priv", "/cookie")) {
            assertThat(cache(get(t))).isEqualTo("PASS");
            assertThat(cache(get(t))).isEqualTo("PASS");
            assertThat(origin.count(t)).isEqualTo(2);
        }
    }

    @Test
    void varyKeepsOneVariantPerSelectingFieldValue() throws Exception {
        origin.on("/lang", ex -> {
            String lang = String.valueOf(ex.getRequestHeaders().getFirst("Accept-Language"));
            fixed(200, ("hello " + lang).getBytes(), "Cache-Control", "max-age=60", "Vary", "Accept-Language").answer(ex);
        });
        assertThat(new String(get("/lang", "Accept-Language", "fr").body())).isEqualTo("hello fr");
        assertThat(new String(get("/lang", "Accept-Language", "de").body())).isEqualTo("hello de");
        HttpResponse<byte[]> fr = get("/lang", "Accept-Language", "fr");
        assertThat(new String(fr.body())).isEqualTo("hello fr");
        assertThat(cache(fr)).isEqualTo("HIT");
        assertThat(origin.count("/lang")).isEqualTo(2);
    }

    @Test
    void unsafeMethodsPassTheirBodiesAndInvalidateTheTarget() throws Exception {
        origin.on("/doc", ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                byte[] echoed = origin.seen.getLast().body();
                fixed(201, echoed, "Content-Type", "text/plain").answer(ex);
            } else {
                fixed(200, bytes(100, 8), "Cache-Control", "max-age=60").answer(ex);
            }
        });
        get("/doc");
        assertThat(cache(get("/doc"))).isEqualTo("HIT");
        byte[] payload = bytes(70_000, 9);
        HttpResponse<byte[]> posted = http.send(HttpRequest.newBuilder(url("/doc"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(posted.statusCode()).isEqualTo(201);
        assertThat(posted.body()).isEqualTo(payload);
        assertThat(cache(get("/doc"))).isEqualTo("MISS");
    }

    @Test
    void headIsAnsweredFromTheCacheWithTheBodyLength() throws Exception {
        origin.on("/h", fixed(200, bytes(4321, 10), "Cache-Control", "max-age=60"));
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response miss = c.read("HEAD");
            assertThat(miss.field("content-length")).isEqualTo("4321");
            assertThat(miss.field("x-cache")).isEqualTo("PASS");
            c.send("GET /h HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().body()).hasSize(4321);
            c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response hit = c.read("HEAD");
            assertThat(hit.field("content-length")).isEqualTo("4321");
            assertThat(hit.field("x-cache")).isEqualTo("HIT");
        }
    }

    @Test
    void chunkedOriginBodiesAreReframedIntoFixedChunks() throws Exception {
        byte[] body = bytes(100_000, 11);
        origin.on("/chunked", ScriptedOrigin.slow(body, 7, 5, true, "Cache-Control", "max-age=60"));
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response miss = c.read();
            assertThat(miss.field("transfer-encoding")).isEqualTo("chunked");
            assertThat(miss.body()).isEqualTo(body);
            c.send("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response hit = c.read();
            assertThat(hit.field("content-length")).isEqualTo("100000");
            assertThat(hit.body()).isEqualTo(body);
        }
    }

    @Test
    void objectsOverTheSizeLimitStreamThroughUncached() throws Exception {
        byte[] body = bytes(12 << 20, 12);
        origin.on("/big", fixed(200, body, "Cache-Control", "max-age=60"));
        assertThat(get("/big").body()).isEqualTo(body);
        HttpResponse<byte[]> again = get("/big");
        assertThat(again.body()).isEqualTo(body);
        assertThat(cache(again)).isEqualTo("PASS");
        assertThat(proxy.store().count()).isZero();
    }

    @Test
    void missesBeyondWhatArrivingObjectsMayHoldStreamThroughAndTheRestAreStored() throws Exception {
        proxy.close();
        // Objects still arriving may hold as much as the cache: 8 MiB (128 segments of 64 KiB), not three of 3 MiB.
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri())
                .withCache(8L << 20, 3L << 20), clock);
        int held = 44 << 16; // 2.75 MiB each: two such fills hold 88 segments, leaving 40 where a whole one needs 48
        CountDownLatch rest = new CountDownLatch(1);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] body = bytes(3 << 20, 20 + i);
            bodies.add(body);
        }
        for (int i = 0; i < 2; i++) {
            byte[] body = bodies.get(i);
            origin.on("/fill-" + i, ex -> {
                ex.getResponseHeaders().add("Cache-Control", "max-age=60");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body, 0, held);
                ex.getResponseBody().flush();
                try {
                    rest.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.getResponseBody().write(body, held, body.length - held);
            });
        }
        origin.on("/fill-2", fixed(200, bodies.get(2), "Cache-Control", "max-age=60"));

        // The first two fills are held open with 2.75 MiB each through the proxy: the client has read that much.
        List<InputStream> open = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            InputStream in = http.send(HttpRequest.newBuilder(url("/fill-" + i)).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body();
            assertThat(in.readNBytes(held)).isEqualTo(Arrays.copyOf(bodies.get(i), held));
            open.add(in);
        }
        HttpResponse<byte[]> third = get("/fill-2");
        assertThat(third.body()).as("a fill refused by the budget still arrives whole").isEqualTo(bodies.get(2));
        rest.countDown();
        for (int i = 0; i < 2; i++) {
            try (InputStream in = open.get(i)) {
                assertThat(in.readAllBytes())
                        .isEqualTo(Arrays.copyOfRange(bodies.get(i), held, bodies.get(i).length));
            }
        }

        List<String> again = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = get("/fill-" + i);
            assertThat(r.body()).isEqualTo(bodies.get(i));
            again.add(cache(r));
        }
        assertThat(again).as("the two fills that fit the budget were stored; the third streamed through")
                .containsExactly("HIT", "HIT", "MISS");
    }

    @Test
    void aFailingOriginGives502Or504AndStaleContentWhereAllowed() throws Exception {
        origin.on("/s", fixed(200, bytes(500, 13), "Cache-Control", "max-age=10"));
        origin.on("/strict", fixed(200, bytes(500, 14), "Cache-Control", "max-age=10, must-revalidate"));
        get("/s");
        get("/strict");
        assertThat(get("/missing").statusCode()).isEqualTo(404);
        origin.close();
        clock.advance(Duration.ofSeconds(60));

        HttpResponse<byte[]> stale = get("/s");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(cache(stale)).isEqualTo("STALE");
        HttpResponse<byte[]> strict = get("/strict");
        assertThat(strict.statusCode()).isEqualTo(502);
        assertThat(new String(strict.body())).contains("origin");
        assertThat(get("/never-seen").statusCode()).isEqualTo(502);
    }

    @Test
    void aClientLeavingAPassThroughStopsTheOriginDownload() throws Exception {
        CompletableFuture<Long> originStopped = new CompletableFuture<>();
        byte[] piece = bytes(256 * 1024, 16);
        origin.on("/huge", ex -> {
            ex.getResponseHeaders().add("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            long sent = 0;
            try {
                for (int i = 0; i < 4096; i++) { // 1 GiB at most; the proxy must hang up long before
                    ex.getResponseBody().write(piece);
                    sent += piece.length;
                }
                originStopped.complete(-1L);
            } catch (IOException e) {
                originStopped.complete(sent);
            }
        });
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n");
            c.readSome(1 << 20);
        }
        long sent = originStopped.get(30, TimeUnit.SECONDS);
        assertThat(sent).as("origin bytes sent before the proxy hung up").isBetween(0L, 64L << 20);
    }

    @Test
    void aSilentOriginGives504() throws Exception {
        proxy.close();
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri())
                .withUpstream(new dev.takeover.proxy.upstream.UpstreamSettings(origin.uri(), Duration.ofSeconds(1),
                        Duration.ofMillis(300), Duration.ofSeconds(1), 4)), clock);
        origin.on("/hang", ex -> {
            ScriptedOrigin.sleep(2000);
            fixed(200, bytes(10, 1)).answer(ex);
        });
        HttpResponse<byte[]> r = get("/hang");
        assertThat(r.statusCode()).isEqualTo(504);
    }

    @Test
    void aReaderSlowerThanTheOriginIdleTimeoutStillGetsTheWholeBody() throws Exception {
        proxy.close();
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri())
                .withCache(64L << 20, 8L << 20)
                .withUpstream(new dev.takeover.proxy.upstream.UpstreamSettings(origin.uri(), Duration.ofSeconds(1),
                        Duration.ofSeconds(2), Duration.ofMillis(800), 4)), clock);
        // Over the largest cached object, so passed through: the proxy stops reading from the origin while its
        // reader is behind, and that pause is not the origin stalling. The idle timeout leaves a loaded machine time
        // to schedule the origin's writes; the reader stays away for three of them.
        byte[] body = bytes(32 << 20, 7);
        origin.on("/big", fixed(200, body));
        try (RawClient c = new RawClient(proxy.address())) {
            c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            Thread.sleep(2400); // every buffer on the way fills long before
            RawClient.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().length).as("body bytes after %s", r.head()).isEqualTo(body.length);
            assertThat(Arrays.mismatch(r.body(), body)).as("first differing byte").isEqualTo(-1);
        }
    }

    @Test
    void onlyIfCachedMissGives504() throws Exception {
        assertThat(get("/nothing", "Cache-Control", "only-if-cached").statusCode()).isEqualTo(504);
        assertThat(origin.count("/nothing")).isZero();
    }

    @Test
    void evictionKeepsTheStoreWithinItsBound() throws Exception {
        for (int i = 0; i < 20; i++) {
            origin.on("/e" + i, fixed(200, bytes(6 << 20, i), "Cache-Control", "max-age=60"));
            assertThat(get("/e" + i).body()).hasSize(6 << 20);
        }
        assertThat(proxy.store().weightedSize()).isLessThanOrEqualTo(64L << 20);
        assertThat(proxy.store().count()).isBetween(1L, 11L);
    }

}
