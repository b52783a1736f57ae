package dev.takeover.origin;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The socket transport: netty's native epoll when the platform has it, NIO otherwise.
 *
 * <p>The epoll classes are looked up by name because the module declares the native epoll artifact, whose classes jar
 * reaches only the runtime class path; once {@code netty-transport-classes-epoll} is a compile dependency this can call
 * {@code Epoll.isAvailable()} directly.
 *
 * @param name             {@code "epoll"} or {@code "nio"}, for logs
 * @param ioHandlerFactory the event loops' I/O handler
 * @param serverChannel    the listening channel type matching {@code ioHandlerFactory}
 */
record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel) {

    private static final String EPOLL_PACKAGE = "io.netty.channel.epoll.";

    /** Picks epoll if its classes and native library load, else NIO. Never fails. */
    static Transport detect() {
        try {
            ClassLoader loader = Transport.class.getClassLoader();
            Class<?> epoll = Class.forName(EPOLL_PACKAGE + "Epoll", true, loader);
            if ((Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                IoHandlerFactory factory = (IoHandlerFactory) Class.forName(EPOLL_PACKAGE + "EpollIoHandler", true, loader)
                        .getMethod("newFactory").invoke(null);
                Class<? extends ServerChannel> channel = Class.forName(EPOLL_PACKAGE + "EpollServerSocketChannel", true,
                        loader).asSubclass(ServerChannel.class);
                return new Transport("epoll", factory, channel);
            }
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            // fall through: NIO works everywhere
        }
        return nio();
    }

    /** The portable transport. */
    static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
