package dev.takeover.proxy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.LocalCheckpointStore;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.ProxySettings;
import dev.takeover.proxy.ScriptedOriginAccess;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the kernel, on loopback: with {@link HeldAcks} a request stays unacknowledged (the client's
 * {@code tcpi_unacked}) until the server answers, on the first request and the ones after; without it the kernel
 * acknowledges at once. A checkpointing proxy holds the ACK of a request while the response's checkpoint waits. Each look at the client is within the kernel's delayed-ACK timer (40 ms at the least), else
 * the round is tried again: past it the kernel acknowledges anyway, as the handler's contract says.
 */
class HeldAcksTest {
    private static final int REQUEST = 100;

    private EventLoopGroup group;
    private Channel server;
    /** The server side of each accepted connection, once active. */
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private InetSocketAddress listen(boolean holdAcks) throws Exception {
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                    @Override
                    protected void initChannel(EpollSocketChannel ch) {
                        if (holdAcks) {
                            ch.pipeline().addLast(HeldAcks.INSTANCE);
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                accepted.add(ctx.channel());
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg); // answered when the test says
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    private EpollSocketChannel connect(InetSocketAddress to) throws Exception {
        return (EpollSocketChannel) new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                }).connect(to).sync().channel();
    }

    /**
     * Sends a request and reads the client's count of unacknowledged segments 5 ms later.
     *
     * @return that count, or -1 when the look came too late to tell (the delayed-ACK timer may have fired)
     */
    private static long unackedShortlyAfterSending(EpollSocketChannel client) throws Exception {
        long sent = System.nanoTime();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[REQUEST])).sync();
        Thread.sleep(5);
        long unacked = client.tcpInfo().unacked();
        return System.nanoTime() - sent < TimeUnit.MILLISECONDS.toNanos(30) ? unacked : -1;
    }

    /** Answers the outstanding request and waits until the client has no unacknowledged bytes. */
    private static void answer(Channel serverSide, EpollSocketChannel client) throws Exception {
        serverSide.writeAndFlush(Unpooled.wrappedBuffer(new byte[10])).sync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.tcpInfo().unacked() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(client.tcpInfo().unacked()).as("acknowledged with the answer").isZero();
    }

    @Test
    void eachRequestStaysUnacknowledgedUntilTheAnswerCarriesItsAck() throws Exception {
        InetSocketAddress at = listen(true);
        int held = 0;
        for (int attempt = 0; attempt < 10 && held < 3; attempt++) {
            EpollSocketChannel client = connect(at);
            Channel serverSide = accepted.poll(5, TimeUnit.SECONDS);
            assertThat(serverSide).as("accepted").isNotNull();
            held = 0;
            for (int request = 0; request < 3; request++) { // the first, and again after each read
                long unacked = unackedShortlyAfterSending(client);
                if (unacked < 0) {
                    break; // this machine was too slow to tell: try a new connection
                }
                assertThat(unacked).as("request %d held unacknowledged", request).isEqualTo(1L);
                held++;
                answer(serverSide, client);
            }
            client.close().sync();
        }
        assertThat(held).as("three requests held on one connection within 10 tries").isEqualTo(3);
    }

    @Test
    void aCheckpointingProxyAcknowledgesARequestOnlyWithItsResponseWhichWaitsForTheCheckpoint() throws Exception {
        ScriptedOriginAccess origin = new ScriptedOriginAccess();
        origin.fixed("/hit", "body".getBytes(StandardCharsets.US_ASCII), "Cache-Control", "max-age=60");
        GatedWriter gated = new GatedWriter(); // while shut, no response may begin
        TcpCapture fixed = new FixedTcpCapture(FixedTcpCapture.TCP, 0, false); // the request comes after the accept
        LocalCheckpointStore store = new LocalCheckpointStore();
        ProxyServer proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri()),
                Clock.systemUTC(), new Checkpointing(store, "n1", fixed, a -> a.isLoopbackAddress(), Duration.ofSeconds(1),
                        1 << 20, gated)); // every response waits for its checkpoint: the proxy holds ACKs
        byte[] request = "GET /hit HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            boolean seen = false;
            for (int attempt = 0; attempt < 10 && !seen; attempt++) {
                EpollSocketChannel client = connect(proxy.address());
                Thread.sleep(50); // the connection's accept checkpoint is written, its quick ACKs off
                gated.shut();
                long sent = System.nanoTime();
                client.writeAndFlush(Unpooled.wrappedBuffer(request)).sync();
                Thread.sleep(5);
                long unacked = client.tcpInfo().unacked();
                boolean inTime = System.nanoTime() - sent < TimeUnit.MILLISECONDS.toNanos(30);
                gated.open();
                if (inTime) {
                    assertThat(unacked).as("the request, held while its checkpoint waits").isEqualTo(1L);
                    seen = true;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (client.tcpInfo().unacked() != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(client.tcpInfo().unacked()).as("acknowledged once answered").isZero();
                client.close().sync();
            }
            assertThat(seen).as("looked within the delayed-ACK timer in 10 tries").isTrue();
        } finally {
            gated.close();
            proxy.close();
            origin.close();
            store.close();
        }
    }

    @Test
    void withoutItTheKernelAcknowledgesARequestAtOnce() throws Exception {
        EpollSocketChannel client = connect(listen(false));
        Channel serverSide = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(serverSide).isNotNull();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[REQUEST])).sync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.tcpInfo().unacked() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(client.tcpInfo().unacked()).isZero();
        client.close().sync();
    }
}
