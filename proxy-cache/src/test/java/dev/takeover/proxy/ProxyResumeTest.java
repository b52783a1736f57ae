package dev.takeover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.CheckpointEvent;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.LocalCheckpointStore;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.proxy.checkpoint.Checkpointing;
import dev.takeover.proxy.checkpoint.FixedTcpCapture;
import dev.takeover.proxy.checkpoint.TcpCapture;
import dev.takeover.proxy.resume.ResumePlan;
import dev.takeover.proxy.resume.ResumePoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A response checkpointed by node A is resumed by node B, from B's cache or from the origin by
 * Range, at any offset, byte for byte; a changed object is reset, never spliced. The socket part
 * (TCP_REPAIR) is the kernel package's; here B's connection is an embedded channel.
 */
class ProxyResumeTest {
    private static final TcpLayer TCP = new TcpLayer(1000, 2000, 1448, true, 7, 7, true, true, 1, 1_700_000_000_000L, -1);
    private static final byte[] BODY = ScriptedOrigin.bytes(200_000, 3);

    private ScriptedOrigin origin;
    private LocalCheckpointStore store;
    private ProxyServer a;
    private ProxyServer b;
    private final List<ConnectionCheckpoint> stored = new CopyOnWriteArrayList<>();
    private volatile String etag = "\"v1\"";
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        origin = new ScriptedOrigin();
        origin.on("/obj", ex -> {
            // The origin honours Range and If-Range, like a real one (and like the embedded origin).
            String range = ex.getRequestHeaders().getFirst("Range");
            String ifRange = ex.getRequestHeaders().getFirst("If-Range");
            ex.getResponseHeaders().add("ETag", etag);
            ex.getResponseHeaders().add("Cache-Control", "max-age=60");
            if (range != null && (ifRange == null || ifRange.equals(etag))) {
                String[] r = range.substring(6).split("-");
                int first = Integer.parseInt(r[0]);
                int last = r.length > 1 && !r[1].isEmpty() ? Integer.parseInt(r[1]) : BODY.length - 1;
                ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + BODY.length);
                ex.sendResponseHeaders(206, last - first + 1);
                ex.getResponseBody().write(BODY, first, last - first + 1);
            } else {
                ex.sendResponseHeaders(200, BODY.length);
                ex.getResponseBody().write(BODY);
            }
        });
        origin.on("/held", ex -> {
            // Answers only once the test lets it: until then A has a request it cannot begin to answer.
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.getResponseHeaders().add("ETag", "\"h1\"");
            ex.getResponseHeaders().add("Cache-Control", "max-age=60");
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY);
        });
        origin.on("/chunked", ScriptedOrigin.slow(BODY, 3, 1, true, "Cache-Control", "max-age=60", "ETag", "\"c1\""));
        store = new LocalCheckpointStore();
        store.addListener(e -> {
            if (e instanceof CheckpointEvent.Stored s) {
                stored.add(s.checkpoint());
            }
        });
        TcpCapture fixed = new FixedTcpCapture(TCP, 0, false);
        ProxySettings settings = ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri());
        a = ProxyServer.start(settings, Clock.systemUTC(), new Checkpointing(store, "a", fixed, x -> true,
                Duration.ofSeconds(1), 1 << 20, Executors.newSingleThreadExecutor()));
        b = ProxyServer.start(settings, Clock.systemUTC(), new Checkpointing(store, "b", fixed, x -> true,
                Duration.ofSeconds(1), 1 << 20, Executors.newSingleThreadExecutor()));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        origin.close();
        store.close();
    }

    /** Fetches {@code target} through A; returns the whole response and the checkpoint taken before it. */
    private record Served(byte[] wire, HttpLayer.Responding responding, ConnectionCheckpoint checkpoint) {}

    private Served serveOnA(String target) throws Exception {
        try (Socket s = new Socket("127.0.0.1", a.address().getPort())) {
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] wire = s.getInputStream().readAllBytes();
            for (int i = 0; i < 500; i++) {
                var cp = stored.stream().filter(c -> c.http() instanceof HttpLayer.Responding r && r.target().equals(target)).findFirst();
                if (cp.isPresent()) {
                    return new Served(wire, (HttpLayer.Responding) cp.get().http(), cp.get());
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no checkpoint for " + target);
        }
    }

    /** B resumes the connection with the client at {@code offset} into the response; returns what B sends. */
    private byte[] resumeOnB(Served served, long offset) throws Exception {
        return resumeOn(new ResumePoint(served.checkpoint(), served.responding().responseStartSendPos() + offset,
                served.responding().requestEndReceivePos()));
    }

    /** B resumes the connection at {@code point}; returns what B sends, or {@code RESET: why}. */
    private byte[] resumeOn(ResumePoint point) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        CompletableFuture<Channel> ready = new CompletableFuture<>();
        ResumePlan plan = b.resume(ch, point, ready::complete).get(10, TimeUnit.SECONDS);
        ready.get(10, TimeUnit.SECONDS);
        ch.register();
        if (plan instanceof ResumePlan.Reset reset) {
            return ("RESET: " + reset.why()).getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            ch.runPendingTasks();
            for (Object o; (o = ch.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) o;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                out.writeBytes(bytes);
                buf.release();
            }
            Thread.sleep(1);
        } while (ch.isOpen() && System.nanoTime() < deadline);
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    /**
     * Fetches {@code target} through B until B serves it without asking the origin: the object is stored only once
     * its fill completes, a moment after the client has the last byte (bounded, a hang guard).
     */
    private void cachedOnB(String target) throws Exception {
        for (int i = 0; i < 100; i++) {
            int before = origin.count(target);
            try (Socket warm = new Socket("127.0.0.1", b.address().getPort())) {
                warm.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                warm.getInputStream().readAllBytes();
            }
            if (i > 0 && origin.count(target) == before) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(target + " never became a hit on B");
    }

    /** {@code actual} is {@code wire} from {@code k} on; on failure, says where they first differ. */
    private static void assertTail(byte[] actual, byte[] wire, long k) {
        byte[] expected = java.util.Arrays.copyOfRange(wire, (int) k, wire.length);
        int mismatch = java.util.Arrays.mismatch(actual, expected);
        assertThat(mismatch).as("first differing byte of %d resumed (expected %d); starts: %s", actual.length, expected.length,
                new String(actual, 0, Math.min(80, actual.length), StandardCharsets.ISO_8859_1)).isEqualTo(-1);
    }

    static Stream<Arguments> offsets() {
        return Stream.of(0, 1, 30, -1, -2, 1000, 65_536, 199_999).map(Arguments::of);
    }

    /** Offsets: n >= 0 counts from the response's start; -1 is the end of the header block, -2 one byte after it. */
    private static long offset(Served s, int n) {
        int head = s.responding().headerBlock().length;
        return n == -1 ? head : n == -2 ? head + 1 : n > 1000 ? head + n : n;
    }

    @ParameterizedTest(name = "from the origin by Range, offset {0}")
    @MethodSource("offsets")
    void aResponseResumesFromTheOriginByRange(int n) throws Exception {
        Served s = serveOnA("/obj");
        long k = offset(s, n);
        assertTail(resumeOnB(s, k), s.wire(), k);
    }

    @ParameterizedTest(name = "from the survivor's cache, offset {0}")
    @MethodSource("offsets")
    void aResponseResumesFromTheSurvivorsCache(int n) throws Exception {
        Served s = serveOnA("/obj");
        cachedOnB("/obj");
        int before = origin.count("/obj");
        long k = offset(s, n);
        assertTail(resumeOnB(s, k), s.wire(), k);
        assertThat(origin.count("/obj")).as("served from B's cache").isEqualTo(before);
    }

    /** A sends {@code target} to A whose origin holds the answer; returns the request's checkpoint, once stored. */
    private ConnectionCheckpoint requestedOnA(Socket s, String target) throws Exception {
        s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 500; i++) {
            var cp = stored.stream().filter(c -> c.http() instanceof HttpLayer.Requested).findFirst();
            if (cp.isPresent()) {
                return cp.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no checkpoint of the waiting request " + target);
    }

    @Test
    void aRequestWhoseResponseHadNotBegunIsAnsweredFromTheStartByTheSurvivor() throws Exception {
        try (Socket s = new Socket("127.0.0.1", a.address().getPort())) {
            ConnectionCheckpoint c = requestedOnA(s, "/held");
            var q = (HttpLayer.Requested) c.http();
            assertThat(q.responseStartSendPos()).isZero();
            assertThat(new String(q.requestHead(), StandardCharsets.ISO_8859_1)).startsWith("GET /held HTTP/1.1\r\n");
            release.countDown();

            ResumePoint point = new ResumePoint(c, q.responseStartSendPos(), q.requestEndReceivePos());
            byte[] fromB = resumeOn(point);

            String text = new String(fromB, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200 ");
            int bodyAt = text.indexOf("\r\n\r\n") + 4;
            assertThat(java.util.Arrays.copyOfRange(fromB, bodyAt, fromB.length)).isEqualTo(BODY);
            assertThat(stored).as("B recorded the replayed request at the same receive position")
                    .anyMatch(k -> k.ownerNode().equals("b") && k.http() instanceof HttpLayer.Responding r
                            && r.requestEndReceivePos() == q.requestEndReceivePos() && r.target().equals("/held"));
        }
    }

    @Test
    void aRecordedRequestWhoseClientHasUnrecordedResponseBytesIsReset() throws Exception {
        try (Socket s = new Socket("127.0.0.1", a.address().getPort())) {
            ConnectionCheckpoint c = requestedOnA(s, "/held");
            var q = (HttpLayer.Requested) c.http();
            release.countDown();

            byte[] fromB = resumeOn(new ResumePoint(c, q.responseStartSendPos() + 10, q.requestEndReceivePos()));

            assertThat(new String(fromB, StandardCharsets.UTF_8))
                    .isEqualTo("RESET: the client has 10 bytes of a response that was never recorded");
        }
    }

    @Test
    void aChunkedResponseResumesMidChunkFromTheCache() throws Exception {
        Served s = serveOnA("/chunked");
        assertThat(s.responding().chunked()).isTrue();
        cachedOnB("/chunked");
        for (long k : new long[] {10, s.responding().headerBlock().length + 3, s.wire().length - 20_000, s.wire().length - 2}) {
            assertTail(resumeOnB(s, k), s.wire(), k);
        }
    }

    @Test
    void anObjectChangedAtTheOriginIsResetNeverSpliced() throws Exception {
        Served s = serveOnA("/obj");
        etag = "\"v2\"";
        byte[] rest = resumeOnB(s, s.responding().headerBlock().length + 5000);
        assertThat(new String(rest, StandardCharsets.UTF_8)).startsWith("RESET: the object changed at the origin");
    }

    @Test
    void aSocketTheClientResetBeforeItsResumeIsClosedAndItsPlanIsAReset() throws Exception {
        Served s = serveOnA("/obj");
        ConnectionCheckpoint idle = s.checkpoint().next("a", System.currentTimeMillis(), TCP, new HttpLayer.Idle(49, 1000, 1));
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            io.netty.channel.unix.Socket socket = io.netty.channel.unix.Socket.newSocketStream();
            boolean connected = socket.connect(listener.getLocalSocketAddress());
            try (Socket peer = listener.accept()) {
                for (int i = 0; i < 100 && !connected; i++) {
                    Thread.sleep(10);
                    connected = socket.finishConnect();
                }
                assertThat(connected).isTrue();
                peer.setSoLinger(true, 0); // its close sends a RST
            }
            int fd = socket.intValue();
            java.nio.file.Path descriptor = java.nio.file.Path.of("/proc/self/fd/" + fd);
            Thread.sleep(100); // the RST is in

            ResumePlan plan = b.resume(fd, new ResumePoint(idle, 1000, 49)).get(10, TimeUnit.SECONDS);

            assertThat(plan).isInstanceOfSatisfying(ResumePlan.Reset.class,
                    r -> assertThat(r.why()).contains("failed before it could resume"));
            assertThat(java.nio.file.Files.exists(descriptor, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .as("the descriptor is closed, not left to a channel that never becomes active").isFalse();
        }
    }

    @Test
    void aClientMissingPartOfAnEarlierResponseIsReset() throws Exception {
        Served s = serveOnA("/obj");
        // Idle after a 1000-byte response, but the client acknowledged only 500 of them.
        ConnectionCheckpoint idle = s.checkpoint().next("a", System.currentTimeMillis(), TCP, new HttpLayer.Idle(49, 1000, 1));
        ResumePoint point = new ResumePoint(idle, 500, 49);
        assertThat(b.resume(new EmbeddedChannel(false, false), point, c -> { }).get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(ResumePlan.Reset.class, r -> assertThat(r.why()).contains("missing 500 bytes"));
    }

    @Test
    void aClientAheadOfTheCheckpointIsWaitedForOnlyOnceItsVipIsArmedAndOnlyUntilItsBytesArrive() throws Exception {
        Served s = serveOnA("/obj");
        ConnectionCheckpoint idle = s.checkpoint().next("a", System.currentTimeMillis(), TCP, new HttpLayer.Idle(49, 1000, 1));
        ResumePoint point = new ResumePoint(idle, 1000, 49, 30);
        EmbeddedChannel resent = new EmbeddedChannel(false, false);
        EmbeddedChannel silent = new EmbeddedChannel(false, false);
        for (EmbeddedChannel ch : List.of(resent, silent)) {
            assertThat(b.resume(ch, point, c -> { }).get(10, TimeUnit.SECONDS)).isInstanceOf(ResumePlan.Continue.class);
            ch.register();
        }
        Duration wait = Duration.ofSeconds(3);
        assertThat(b.expectRetransmissions(java.net.InetAddress.getByName("198.18.0.250"), wait)).as("another VIP").isZero();
        resent.writeInbound(Unpooled.copiedBuffer("GET /obj HTTP/1.1\r\nHo", StandardCharsets.US_ASCII));
        assertThat(b.expectRetransmissions(idle.ip().vip(), wait)).isEqualTo(2);
        assertThat(b.expectRetransmissions(idle.ip().vip(), wait)).as("each connection is armed once").isZero();
        for (EmbeddedChannel ch : List.of(resent, silent)) {
            ch.advanceTimeBy(wait.toMillis(), TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        assertThat(resent.isOpen()).as("its bytes came again").isTrue();
        assertThat(silent.isOpen()).as("its bytes never came: the dead node had acknowledged them").isFalse();
        resent.close();
    }

}
