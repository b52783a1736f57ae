package dev.takeover.proxy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.HttpVersion;
import dev.takeover.checkpoint.LocalCheckpointStore;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.ProxySettings;
import dev.takeover.proxy.ScriptedOriginAccess;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where every response waits for its replicated checkpoint, it waits only where that protects its request. A request
 * the kernel acknowledged as it arrived, before the connection was accepted and captured, does not make its response
 * wait: no survivor could receive it again, nor replay it without a recorded request. A later request waits while
 * its ACK is held, at most; a recorded one (a miss), which a survivor could replay, until its checkpoint is written.
 * Checkpoint writes pass a gate the test shuts and opens; the capture says the connection had received one request's
 * bytes at accept.
 */
class AcknowledgedOnArrivalTest {
    private static final String HIT = "GET /hit HTTP/1.1\r\nHost: x\r\n\r\n";
    /** As long as {@link #HIT}: within what the connection had received at accept. */
    private static final String MISS = "GET /mis HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final byte[] BODY = "the-body".getBytes(StandardCharsets.US_ASCII);

    private ScriptedOriginAccess origin;
    private LocalCheckpointStore store;
    private ProxyServer proxy;
    private final GatedWriter writer = new GatedWriter();

    @BeforeEach
    void start() throws Exception {
        origin = new ScriptedOriginAccess();
        origin.fixed("/hit", BODY, "Cache-Control", "max-age=60");
        origin.fixed("/mis", BODY, "Cache-Control", "max-age=60");
        store = new LocalCheckpointStore();
        proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri()),
                Clock.systemUTC(), new Checkpointing(store, "n1", new FixedTcpCapture(FixedTcpCapture.TCP, HIT.length(),
                        false), a -> a.isLoopbackAddress(), Duration.ofSeconds(1), 1 << 20, writer));
        try (Socket warm = connect()) { // /hit is cached, its response can begin at once
            send(warm, HIT);
            assertThat(readBody(warm.getInputStream())).isEqualTo(BODY);
        }
    }

    @AfterEach
    void stop() {
        writer.close();
        proxy.close();
        origin.close();
        store.close();
    }

    @Test
    void requestsNobodyRecordedAreAnsweredWhileNoCheckpointCanBeWritten() throws Exception {
        writer.shut();
        try (Socket client = connect()) {
            send(client, HIT);
            assertThat(readBody(client.getInputStream())).as("answered, the gate shut").isEqualTo(BODY);

            send(client, HIT); // held while its ACK is, at most
            assertThat(readBody(client.getInputStream())).as("answered, the gate shut").isEqualTo(BODY);
            assertThat(writer.isShut()).isTrue();
        }
    }

    @Test
    void aRecordedRequestWaitsForItsCheckpointThoughAcknowledgedBeforeTheAccept() throws Exception {
        writer.shut();
        try (Socket client = connect()) {
            send(client, MISS); // a miss: recorded before the origin answers, so a survivor could replay it

            assertNothingArrivesWhileShut(client);
            writer.open();
            assertThat(readBody(client.getInputStream())).isEqualTo(BODY);
        }
    }

    /**
     * The decision itself, on a connection's own checkpoints (a real loopback channel), while no checkpoint can be
     * written: the future a response waits on is done at once for the request received at accept; for the next one
     * it is done once the request's ACK would have gone out anyway; for a recorded one only with its checkpoint. The
     * proxy's tests above cannot tell these apart from the proxy's own bound on the wait.
     */
    @Test
    void aResponseWaitsForItsCheckpointOnlyWhereThatProtectsItsRequest() throws Exception {
        writer.shut();
        Checkpointing config = new Checkpointing(store, "n1", new FixedTcpCapture(FixedTcpCapture.TCP, HIT.length(),
                false), a -> a.isLoopbackAddress(), Duration.ofSeconds(1), 1 << 20, writer);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.add(ch);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                Channel ch = accepted.poll(5, TimeUnit.SECONDS);
                assertThat(ch).isNotNull();
                List<CompletableFuture<Void>> waits = new ArrayList<>();
                boolean[] atOnce = ch.eventLoop().submit(() -> {
                    ConnectionCheckpoints c = ConnectionCheckpoints.accepted(config, ch, Clock.systemUTC());
                    long h = HIT.length();
                    waits.add(c.responding(responding(h, 0), 0));
                    c.responseComplete(100);
                    waits.add(c.responding(responding(2 * h, 100), 100));
                    return new boolean[] {waits.get(0).isDone(), waits.get(1).isDone()};
                }).get(5, TimeUnit.SECONDS);
                assertThat(atOnce).as("the first response at once, the next one waits").containsExactly(true, false);
                waits.get(1).get(5, TimeUnit.SECONDS);
                assertThat(writer.isShut()).as("the next one waited only as long as its ACK is held").isTrue();

                try (Socket other = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                    Channel recordedCh = accepted.poll(5, TimeUnit.SECONDS);
                    assertThat(recordedCh).isNotNull();
                    CompletableFuture<Void> recorded = recordedCh.eventLoop().submit(() -> {
                        ConnectionCheckpoints c = ConnectionCheckpoints.accepted(config, recordedCh, Clock.systemUTC());
                        c.requested(MISS.length(), 0, MISS.getBytes(StandardCharsets.US_ASCII));
                        return c.responding(responding(MISS.length(), 0), 0);
                    }).get(5, TimeUnit.SECONDS);
                    Thread.sleep(5 * ConnectionCheckpoints.ACK_HOLD_MILLIS);
                    assertThat(recorded).as("a recorded request's response waits for its checkpoint").isNotDone();
                    writer.open();
                    recorded.get(5, TimeUnit.SECONDS);
                }
            } finally {
                server.close().sync();
            }
        } finally {
            writer.open();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static HttpLayer.Responding responding(long requestEnd, long start) {
        return new HttpLayer.Responding(requestEnd, start, "HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII), "GET", "/hit", HttpVersion.HTTP_1_1, null, -1, -1, -1, 8, false,
                true, -1);
    }

    private Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", proxy.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String request) throws Exception {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** While the gate is shut no checkpoint is written: a response waiting for one cannot have begun. */
    private static void assertNothingArrivesWhileShut(Socket client) throws Exception {
        client.setSoTimeout(300);
        assertThatThrownBy(() -> client.getInputStream().read()).as("no response byte while the checkpoint waits")
                .isInstanceOf(SocketTimeoutException.class);
        client.setSoTimeout(10_000);
    }

    /** Reads one response with a Content-Length body of {@link #BODY}'s length; returns the body. */
    private static byte[] readBody(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            assertThat(c).as("a whole header block: %s", head).isNotNegative();
            head.write(c);
            matched = (c == '\r' && matched % 2 == 0) || (c == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        return in.readNBytes(BODY.length);
    }
}
