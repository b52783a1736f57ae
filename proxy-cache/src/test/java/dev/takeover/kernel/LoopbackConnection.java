package dev.takeover.kernel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loopback TCP connection whose server side is a netty epoll channel (as in the proxy) with reading under the
 * test's control, and whose client side is a blocking JDK socket.
 */
final class LoopbackConnection implements AutoCloseable {

    final EventLoopGroup group;
    final Channel listener;
    final EpollSocketChannel accepted;
    final Socket client;
    private final AtomicLong bytesRead;
    private final ReadCounter counter;

    private LoopbackConnection(EventLoopGroup group, Channel listener, EpollSocketChannel accepted, Socket client,
                               ReadCounter counter) {
        this.group = group;
        this.listener = listener;
        this.accepted = accepted;
        this.client = client;
        this.counter = counter;
        this.bytesRead = counter.bytes;
    }

    /** Counts and discards what the server side reads; signals the end of each read burst. */
    private static final class ReadCounter extends ChannelInboundHandlerAdapter {
        final AtomicLong bytes = new AtomicLong();
        volatile CompletableFuture<Long> burst = new CompletableFuture<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            bytes.addAndGet(buf.readableBytes());
            buf.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            burst.complete(bytes.get());
        }
    }

    static LoopbackConnection open() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            CompletableFuture<EpollSocketChannel> child = new CompletableFuture<>();
            ReadCounter counter = new ReadCounter();
            Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<EpollSocketChannel>() {
                        @Override
                        protected void initChannel(EpollSocketChannel ch) {
                            ch.pipeline().addLast(counter);
                            child.complete(ch);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Socket client = new Socket();
            client.connect(listener.localAddress(), 10_000);
            client.setSoTimeout(10_000);
            return new LoopbackConnection(group, listener, child.get(10, TimeUnit.SECONDS), client, counter);
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    int fd() {
        return accepted.fd().intValue();
    }

    FourTuple fourTuple() {
        return FourTuple.of(accepted.localAddress(), accepted.remoteAddress());
    }

    /** Runs {@code task} on the accepted channel's event loop, as the proxy would, and returns its result. */
    <T> T onLoop(Callable<T> task) throws Exception {
        try {
            return accepted.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    TcpSnapshot capture() throws Exception {
        return onLoop(() -> TcpRepair.capture(fd()));
    }

    /** Writes {@code data} from the server side and waits until the kernel has it. */
    void write(byte[] data) throws InterruptedException {
        accepted.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
    }

    /** Lets the server side read once; returns the total it has read so far. */
    long readOnce() throws Exception {
        CompletableFuture<Long> burst = new CompletableFuture<>();
        counter.burst = burst;
        accepted.read();
        return burst.get(10, TimeUnit.SECONDS);
    }

    long bytesRead() {
        return bytesRead.get();
    }

    /** Reads exactly {@code length} bytes on the client side and checks them against the stream at {@code offset}. */
    void clientReadsPattern(long offset, int length) throws IOException {
        InputStream in = client.getInputStream();
        byte[] data = in.readNBytes(length);
        if (data.length != length) {
            throw new IOException("client got " + data.length + " of " + length + " bytes before EOF");
        }
        int bad = StreamPattern.firstMismatch(offset, data, length);
        if (bad >= 0) {
            throw new IOException("client got a wrong byte at stream offset " + (offset + bad));
        }
    }

    /** Polls {@code condition} until it holds; fails after {@code limit}. Waits on the kernel, not on logic. */
    static void await(String what, Duration limit, Condition condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    @Override
    public void close() throws Exception {
        try {
            client.close();
            accepted.close().await(5, TimeUnit.SECONDS);
            listener.close().await(5, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
