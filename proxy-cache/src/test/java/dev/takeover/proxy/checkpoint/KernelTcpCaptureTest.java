package dev.takeover.proxy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.takeover.kernel.Capabilities;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelTcpCapture#atAccept} against the kernel, on loopback: the client's bytes that arrived before the
 * application accepted the connection are reported, and the kernel had acknowledged them already. The server accepts
 * only when the test says (auto-read off on the listener). Needs CAP_NET_ADMIN (root).
 */
class KernelTcpCaptureTest {
    private static final int REQUEST = 70;

    private EventLoopGroup group;
    private Channel server;
    private final CompletableFuture<Optional<TcpCapture.AtAccept>> captured = new CompletableFuture<>();

    @BeforeEach
    void listen() throws Exception {
        assumeTrue(Capabilities.canRepair(), "TCP_REPAIR needs Linux and CAP_NET_ADMIN");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false) // accept when the test calls read()
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        captured.complete(new KernelTcpCapture().atAccept(ctx.channel()));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private EpollSocketChannel connect() throws Exception {
        return (EpollSocketChannel) new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
    }

    @Test
    void aRequestThatArrivedBeforeTheAcceptIsReportedAndWasAcknowledgedAlready() throws Exception {
        EpollSocketChannel client = connect();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[REQUEST])).sync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.tcpInfo().unacked() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(client.tcpInfo().unacked()).as("acknowledged by the kernel, not yet accepted").isZero();

        server.read();

        assertThat(captured.get(5, TimeUnit.SECONDS)).hasValueSatisfying(a -> assertThat(a.receivedBytes())
                .isEqualTo(REQUEST));
        client.close().sync();
    }

    @Test
    void aConnectionAcceptedBeforeItsClientSentHasReceivedNothing() throws Exception {
        EpollSocketChannel client = connect();
        server.read();

        assertThat(captured.get(5, TimeUnit.SECONDS)).hasValueSatisfying(a -> assertThat(a.receivedBytes()).isZero());
        client.close().sync();
    }

    @Test
    void withoutTheEpollTransportThereIsNothingToCapture() {
        assertThat(new KernelTcpCapture().atAccept(new EmbeddedChannel())).isEmpty();
    }
}
