package dev.takeover.net;

import dev.takeover.kernel.ThreadPriority;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ThreadFactory;

/** The netty transport for this platform: native epoll on Linux, NIO elsewhere. */
public record Transport(String name, IoHandlerFactory ioHandler, Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> channel) {

    /** Epoll when its native library loads, else NIO. */
    public static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
        }
        return nio();
    }

    /** The portable transport. */
    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /**
     * An event-loop group whose threads run at nice value {@code nice} ({@link ThreadPriority}): 0 leaves them at the
     * process's priority.
     *
     * @param name prefix of the threads' names
     */
    public EventLoopGroup newGroup(int threads, String name, int nice) {
        ThreadFactory named = new DefaultThreadFactory(name);
        ThreadFactory factory = nice == 0 ? named : task -> named.newThread(() -> {
            ThreadPriority.niceCurrentThread(nice);
            task.run();
        });
        return new MultiThreadIoEventLoopGroup(threads, factory, ioHandler);
    }
}
