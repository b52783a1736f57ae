package dev.takeover.proxy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.CheckpointEvent;
import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.LocalCheckpointStore;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.ProxySettings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a node checkpoints for a connection and when, against a real store and real sockets. The
 * kernel read (which needs root and Linux) is replaced by a fixed TCP layer here; the kernel
 * package's own tests check that read, and the byte accounting, against the kernel.
 */
class ProxyCheckpointTest {
    private static final TcpLayer TCP = new TcpLayer(1000, 2000, 1448, true, 7, 7, true, true, 12345, 1_700_000_000_000L, -1);

    private dev.takeover.proxy.ScriptedOriginAccess origin;
    private ProxyServer proxy;
    private LocalCheckpointStore store;
    private final List<CheckpointEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        origin = new dev.takeover.proxy.ScriptedOriginAccess();
        store = new LocalCheckpointStore();
        store.addListener(events::add);
        TcpCapture fixed = new FixedTcpCapture(TCP, 0, true);
        Checkpointing checkpointing = new Checkpointing(store, "n1", fixed, a -> a.isLoopbackAddress(),
                Duration.ofMillis(20), 1 << 20, Executors.newSingleThreadExecutor());
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri()),
                Clock.systemUTC(), checkpointing);
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
        store.close();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10); // checkpoint writes are asynchronous; bounded wait, no timing asserted
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    private List<HttpLayer.Responding> respondings() {
        return events.stream().filter(e -> e instanceof CheckpointEvent.Stored).map(e -> ((CheckpointEvent.Stored) e).checkpoint())
                .filter(c -> c.http() instanceof HttpLayer.Responding).map(c -> (HttpLayer.Responding) c.http()).toList();
    }

    @Test
    void everyResponseIsCheckpointedWithItsExactPositionsAndHeaderBytes() throws Exception {
        origin.fixed("/a", "alpha-body".getBytes(), "Cache-Control", "max-age=60", "ETag", "\"a1\"");
        origin.fixed("/b", "bravo".getBytes(), "Cache-Control", "max-age=60", "Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT");
        String r1 = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
        String r2 = "GET /b HTTP/1.1\r\nHost: x\r\nX-Pad: 12345\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
            s.getOutputStream().write((r1 + r2).getBytes(StandardCharsets.ISO_8859_1)); // pipelined
            InputStream in = s.getInputStream();
            byte[] first = readResponse(in, 10);
            byte[] second = readResponse(in, 5);
            await(() -> respondings().size() == 2);
            await(() -> store.get(respondingId()).map(c -> c.http() instanceof HttpLayer.Idle).orElse(false));

            HttpLayer.Responding a = respondings().get(0);
            HttpLayer.Responding b = respondings().get(1);
            assertThat(a.requestEndReceivePos()).isEqualTo(r1.length());
            assertThat(b.requestEndReceivePos()).isEqualTo(r1.length() + r2.length());
            assertThat(a.responseStartSendPos()).isZero();
            assertThat(b.responseStartSendPos()).isEqualTo(first.length);
            // The checkpointed header block is byte for byte what the client received.
            assertThat(new String(a.headerBlock(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(new String(first, 0, first.length - 10, StandardCharsets.ISO_8859_1));
            assertThat(b.headerBlock()).hasSize(second.length - 5);
            assertThat(a.etag()).isEqualTo("\"a1\"");
            assertThat(b.lastModifiedEpochSec()).isEqualTo(1793613600L);
            assertThat(a.bodyLength()).isEqualTo(10);
            assertThat(a.target()).isEqualTo("/a");
            ConnectionCheckpoint idle = store.get(respondingId()).orElseThrow();
            assertThat(((HttpLayer.Idle) idle.http()).sentBytes()).isEqualTo(first.length + second.length);
            assertThat(((HttpLayer.Idle) idle.http()).receivedBytes()).isEqualTo(r1.length() + r2.length());
            assertThat(idle.tcp().sendStartSeq()).isEqualTo(1000);
            assertThat(idle.ownerNode()).isEqualTo("n1");
        }
        await(() -> store.listByVip(dev.takeover.checkpoint.ConnectionId.ipv4("127.0.0.1")).isEmpty());
    }

    @Test
    void inlinePutsOfAWriteBehindStoreKeepEachConnectionsCheckpointsInOrder() throws Exception {
        proxy.close();
        java.util.concurrent.ExecutorService writer = Executors.newSingleThreadExecutor();
        java.util.concurrent.atomic.AtomicInteger puts = new java.util.concurrent.atomic.AtomicInteger();
        // Write-behind in miniature: a plain put lands at once, a durable one later than a reply waits for it
        // (ClientConnection.CHECKPOINT_WAIT_MILLIS), so the reply goes on meanwhile; a later put of the connection
        // overtaking the durable one would be refused as stale, and be missing from the stored events.
        Executor later = java.util.concurrent.CompletableFuture.delayedExecutor(1200,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        CheckpointStore writeBehind = (CheckpointStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CheckpointStore.class}, (p, method, args) -> switch (method.getName()) {
                    case "putIfNewer" -> {
                        puts.incrementAndGet();
                        yield store.putIfNewer((ConnectionCheckpoint) args[0]);
                    }
                    case "putDurably" -> {
                        puts.incrementAndGet();
                        yield java.util.concurrent.CompletableFuture.supplyAsync(
                                () -> store.putIfNewer((ConnectionCheckpoint) args[0]), later);
                    }
                    default -> method.invoke(store, args);
                });
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri()), Clock.systemUTC(),
                new Checkpointing(writeBehind, "n1", new FixedTcpCapture(TCP, 0, true), a -> a.isLoopbackAddress(),
                        Duration.ofMillis(20), 1 << 20, Checkpointing.INLINE, 64 * 1024));
        origin.fixed("/small", "s".repeat(100).getBytes(), "Cache-Control", "max-age=60");
        origin.fixed("/large", "L".repeat(200 * 1024).getBytes(), "Cache-Control", "max-age=60");
        String small = "GET /small HTTP/1.1\r\nHost: x\r\n\r\n";
        String large = "GET /large HTTP/1.1\r\nHost: x\r\n\r\n";
        long sent = 0;
        long received = 0;
        try (writer; Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
            for (int i = 0; i < 6; i++) {
                boolean big = i == 2; // a durable put among the inline ones
                String request = big ? large : small;
                s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                sent += readResponse(s.getInputStream(), big ? 200 * 1024 : 100).length;
                received += request.length();
            }
            long allSent = sent;
            long allReceived = received;
            await(() -> store.get(respondingId()).map(c -> c.http() instanceof HttpLayer.Idle idle
                    && idle.sentBytes() == allSent && idle.receivedBytes() == allReceived).orElse(false));
            s.close();
            await(() -> events.getLast() instanceof CheckpointEvent.Removed); // removals run on the writer
        }
        List<Long> versions = events.stream().filter(e -> e instanceof CheckpointEvent.Stored)
                .map(e -> ((CheckpointEvent.Stored) e).checkpoint().version()).toList();
        assertThat(versions).as("every put stored, in the connection's order").isSorted().doesNotHaveDuplicates()
                .hasSize(puts.get()).hasSizeGreaterThan(6);
    }

    @Test
    void aClientReopeningFromThePortOfAClosedConnectionIsCheckpointedBeforeTheOldRemovalIsWritten() throws Exception {
        proxy.close();
        java.util.concurrent.atomic.AtomicInteger removalsHeld = new java.util.concurrent.atomic.AtomicInteger();
        // Removals held back, as a write-behind store's wait for its writer's next round (seconds behind, under load).
        CheckpointStore holdingRemovals = (CheckpointStore) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {CheckpointStore.class}, (p, method, args) -> {
                    if (method.getName().equals("removeLater")) {
                        removalsHeld.incrementAndGet();
                        return null;
                    }
                    return method.invoke(store, args);
                });
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri()), Clock.systemUTC(),
                new Checkpointing(holdingRemovals, "n1", new FixedTcpCapture(TCP, 0, true), a -> a.isLoopbackAddress(),
                        Duration.ofMillis(20), 1 << 20, Executors.newSingleThreadExecutor()));
        origin.fixed("/a", "alpha-body".getBytes(), "Cache-Control", "max-age=60");
        String closing = "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        String again = "GET /a HTTP/1.1\r\nHost: x\r\nX-Again: yes\r\n\r\n";
        int port;
        try (Socket first = new Socket()) {
            first.setReuseAddress(true);
            first.bind(new InetSocketAddress("127.0.0.1", 0));
            port = first.getLocalPort();
            first.connect(proxy.address());
            first.getOutputStream().write(closing.getBytes(StandardCharsets.ISO_8859_1));
            first.getInputStream().readAllBytes(); // the proxy closes first: the port is free again at once
        }
        var id = new dev.takeover.checkpoint.ConnectionId(dev.takeover.checkpoint.ConnectionId.ipv4("127.0.0.1"),
                proxy.address().getPort(), dev.takeover.checkpoint.ConnectionId.ipv4("127.0.0.1"), port);
        await(() -> removalsHeld.get() == 1);
        ConnectionCheckpoint closed = store.get(id).orElseThrow();

        try (Socket second = new Socket()) {
            second.setReuseAddress(true);
            second.bind(new InetSocketAddress("127.0.0.1", port));
            second.connect(proxy.address());
            second.getOutputStream().write(again.getBytes(StandardCharsets.ISO_8859_1));
            readResponse(second.getInputStream(), 10);
            await(() -> store.get(id).map(c -> c.http() instanceof HttpLayer.Idle idle
                    && idle.receivedBytes() == again.length()).orElse(false));
            assertThat(store.get(id).orElseThrow().version()).as("the new connection's checkpoints are newer")
                    .isGreaterThan(closed.version());
        }
    }

    @Test
    void aLongResponseIsCheckpointedAsItProgresses() throws Exception {
        origin.slow("/long", 2 << 20, 40, 10);
        try (Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
            s.getOutputStream().write("GET /long HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            readResponse(s.getInputStream(), 2 << 20);
        }
        List<ConnectionCheckpoint> during = events.stream().filter(e -> e instanceof CheckpointEvent.Stored)
                .map(e -> ((CheckpointEvent.Stored) e).checkpoint()).filter(c -> c.http() instanceof HttpLayer.Responding).toList();
        assertThat(during.size()).as("progress checkpoints of a 400 ms transfer every 20 ms").isGreaterThan(3);
        assertThat(during).extracting(ConnectionCheckpoint::version).isSorted();
        assertThat(during.getLast().tcp().ackedSendBytes()).isGreaterThan(0);
        await(() -> events.getLast() instanceof CheckpointEvent.Removed);
    }

    private ConnectionCheckpoint anyCheckpoint() {
        return store.listByVip(dev.takeover.checkpoint.ConnectionId.ipv4("127.0.0.1")).getFirst();
    }

    private dev.takeover.checkpoint.ConnectionId respondingId() {
        return anyCheckpoint().id();
    }

    /** Reads one response with a Content-Length body of {@code bodyLength} bytes; returns head and body. */
    private static byte[] readResponse(InputStream in, int bodyLength) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            out.write(c);
            matched = (c == '\r' && matched % 2 == 0) || (c == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        out.write(in.readNBytes(bodyLength));
        return out.toByteArray();
    }
}
