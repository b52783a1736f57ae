package dev.takeover.kernel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Node "A" of the namespace test, run in its own JVM inside its namespace: serves one connection a paced
 * {@link StreamPattern} stream after reading the request, captures the connection at accept and checkpoints every
 * 20 ms. Prints {@code listening} once bound. Runs until killed.
 *
 * <p>Arguments: address, port, total bytes, checkpoint file.
 */
public final class NsServer {

    static final int REQUEST_BYTES = NsClient.REQUEST.length;
    private static final int CHUNK = 16 * 1024;

    private NsServer() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        long total = Long.parseLong(args[2]);
        Path checkpointFile = Path.of(args[3]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new Streamer(total, checkpointFile))
                .bind(address).sync();
        System.out.println("listening");
        Thread.sleep(Long.MAX_VALUE);
    }

    /** One connection's stream; all state is touched on its event loop only. */
    private static final class Streamer extends ChannelInboundHandlerAdapter {
        private final long total;
        private final Path checkpointFile;
        private FourTuple connection;
        private TcpSnapshot atAccept;
        private long bytesRead;
        private long handedToNetty;
        private long bytesWritten; // accepted by the kernel
        private int ticks;

        Streamer(long total, Path checkpointFile) {
            this.total = total;
            this.checkpointFile = checkpointFile;
        }

        @Override
        public boolean isSharable() {
            return true; // the test opens exactly one connection
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            EpollSocketChannel ch = (EpollSocketChannel) ctx.channel();
            atAccept = TcpRepair.capture(ch.fd().intValue());
            connection = FourTuple.of(ch.localAddress(), ch.remoteAddress());
            System.out.println("accepted " + connection + " " + atAccept);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            boolean start = bytesRead < REQUEST_BYTES && bytesRead + buf.readableBytes() >= REQUEST_BYTES;
            bytesRead += buf.readableBytes();
            buf.release();
            if (start) {
                ctx.executor().scheduleAtFixedRate(() -> tick(ctx), 0, 2, TimeUnit.MILLISECONDS);
            }
        }

        private void tick(ChannelHandlerContext ctx) {
            if (handedToNetty < total && ctx.channel().isWritable()) {
                int n = (int) Math.min(CHUNK, total - handedToNetty);
                byte[] chunk = StreamPattern.bytes(handedToNetty, n);
                handedToNetty += n;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(chunk)).addListener(f -> {
                    if (f.isSuccess()) {
                        bytesWritten += n;
                    }
                });
            }
            if (++ticks % 10 == 0) {
                try {
                    int fd = ((EpollSocketChannel) ctx.channel()).fd().intValue();
                    long acked = bytesWritten - SocketQueues.read(fd).unackedBytes();
                    new Checkpoint(connection, atAccept, bytesRead, bytesWritten, acked).write(checkpointFile);
                } catch (Exception e) {
                    System.out.println("checkpoint failed: " + e);
                }
            }
        }
    }
}
