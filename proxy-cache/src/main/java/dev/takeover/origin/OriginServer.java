package dev.takeover.origin;

import dev.takeover.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP/1.1 origin used by the lab and the tests: synthetic objects under {@code /synthetic/<size>}, the files of
 * an optional directory, and an echo endpoint under {@code /echo}, with validators, conditional requests, single byte
 * ranges, persistent connections, pipelining and an optional per-connection bandwidth limit.
 *
 * <p>Runs on netty with the epoll transport when available, NIO otherwise. {@link #start} returns once the server is
 * listening; {@link #close} stops it and frees its threads. Thread-safe.
 */
public final class OriginServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OriginServer.class);
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OriginServer(EventLoopGroup group, Channel serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.address = (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Binds and starts serving.
     *
     * @return the running server, already accepting connections
     * @throws UncheckedIOException if the address cannot be bound (e.g. in use) or the directory cannot be resolved
     * @throws InterruptedException if interrupted while binding; nothing is left running then
     */
    public static OriginServer start(OriginSettings settings) throws InterruptedException {
        return start(settings, Clock.systemUTC());
    }

    /** As {@link #start(OriginSettings)}, with the clock that stamps {@code Date} headers. */
    static OriginServer start(OriginSettings settings, Clock clock) throws InterruptedException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Optional<FileResolver> files;
        try {
            files = settings.directory().isPresent()
                    ? Optional.of(new FileResolver(settings.directory().get()))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve directory " + settings.directory().get(), e);
        }
        OriginHandler handler = new OriginHandler(files,
                new ObjectResponder(new BodyFactory(!settings.rateLimited())), clock);

        Transport transport = Transport.best();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("origin"), transport.ioHandler());
        boolean started = false;
        try {
            ChannelFuture bind = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new OriginChannelInitializer(settings.bytesPerSecond(), handler))
                    .bind(settings.listen())
                    .await();
            if (!bind.isSuccess()) {
                Throwable cause = bind.cause();
                throw new UncheckedIOException("origin cannot listen on " + settings.listen() + ": "
                        + cause.getMessage(), cause instanceof IOException io ? io : new IOException(cause));
            }
            OriginServer server = new OriginServer(group, bind.channel());
            started = true;
            LOG.info("origin listening on {} ({}, directory {}, {})", server.address, transport.name(),
                    settings.directory().map(Object::toString).orElse("none"),
                    settings.rateLimited() ? settings.bytesPerSecond() + " B/s per connection" : "unlimited rate");
            return server;
        } finally {
            if (!started) {
                group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /** The bound address; with port 0 in the settings, the port actually chosen. */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Stops accepting, closes every connection and waits for the threads to end. Idempotent; safe from any thread
     * except the server's own event loops.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("origin on {} stopped", address);
    }

    /**
     * Blocks until the server stops listening, i.e. until {@link #close} (from another thread or a shutdown hook) has
     * begun; a command-line launcher can park its main thread here.
     */
    public void awaitClosed() throws InterruptedException {
        serverChannel.closeFuture().await();
    }
}
