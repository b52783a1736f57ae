package dev.takeover.proxy;

import dev.takeover.net.Transport;
import dev.takeover.proxy.cache.CaffeineObjectStore;
import dev.takeover.proxy.cache.FillBudget;
import dev.takeover.proxy.cache.ObjectStore;
import dev.takeover.proxy.checkpoint.Checkpointing;
import dev.takeover.proxy.checkpoint.HeldAcks;
import dev.takeover.proxy.exchange.AccessLog;
import dev.takeover.proxy.exchange.CachingProxy;
import dev.takeover.proxy.exchange.ClientConnection;
import dev.takeover.proxy.http.ConnectionTimeouts;
import dev.takeover.proxy.resume.AwaitRetransmission;
import dev.takeover.proxy.resume.HttpResume;
import dev.takeover.proxy.resume.ResumePlan;
import dev.takeover.proxy.resume.ResumePoint;
import dev.takeover.proxy.upstream.UpstreamClient;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.concurrent.CompletableFuture;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.internal.PlatformDependent;
import dev.takeover.proxy.http.CountingRequestDecoder;
import dev.takeover.proxy.http.SentBytesCounter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy node: the listening socket, the object store, the origin client.
 *
 * <p>Each client connection's pipeline, in order:
 * <ol>
 *   <li>{@link ConnectionTimeouts}: header (408) and keep-alive timers;</li>
 *   <li>{@link SentBytesCounter}: the send position, for checkpoints;</li>
 *   <li>{@link CountingRequestDecoder}: HTTP/1.1 request parsing with the size limits (414, 431) and
 *       netty's framing checks (no request smuggling);</li>
 *   <li>{@link ClientConnection}: exchanges in order, replies written from the store.</li>
 * </ol>
 * Responses are written as raw bytes (their header blocks are built by the proxy, not by a netty
 * encoder), so the proxy knows every byte it sent.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxySettings settings;
    private final EventLoopGroup group;
    private final ObjectStore store;
    private final UpstreamClient upstream;
    private final Channel server;
    private final Transport transport;
    private final ChannelInitializer<SocketChannel> initializer;
    private final HttpResume resumer;
    private final CachingProxy router;
    private final AccessLog accessLog;
    private final HttpDecoderConfig decoderConfig;
    private final Checkpointing checkpointing;
    private final Clock clock;
    /** Resumed connections whose clients must send bytes again, by VIP, until armed. */
    private final Map<Channel, InetAddress> awaitingRetransmission = new ConcurrentHashMap<>();

    private ProxyServer(ProxySettings settings, Clock clock, Checkpointing checkpointing) throws InterruptedException {
        this.settings = settings;
        this.transport = Transport.best();
        this.clock = clock;
        this.checkpointing = checkpointing;
        this.group = transport.newGroup(settings.ioThreads(), "proxy-io", settings.ioNice());
        this.store = new CaffeineObjectStore(settings.cacheBytes());
        // Objects still arriving may hold as much again as the cache: a miss beyond that streams through uncached.
        FillBudget fills = new FillBudget(settings.cacheBytes());
        warnIfDirectMemoryIsShort(settings.cacheBytes() + fills.limit());
        this.upstream = new UpstreamClient(group, transport.channel(), settings.upstream(), clock, fills);
        this.router = new CachingProxy(store, upstream, clock, settings.maxObjectSize(),
                settings.maxStaleOnError().toMillis());
        this.resumer = new HttpResume(store, upstream);
        this.accessLog = new AccessLog();
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxUriLength())
                .setMaxHeaderSize(settings.maxHeaderSize())
                .setMaxChunkSize(64 * 1024);
        this.initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                initPipeline(ch, 0, 0, null);
            }
        };
        try {
            this.server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    .childHandler(initializer)
                    .bind(settings.listen()).sync().channel();
        } catch (Exception e) { // netty rethrows a BindException unchecked
            close();
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("cannot listen on " + settings.listen() + ": " + e.getMessage(), e);
        }
        log.info("proxy listening on {} ({}), origin {}, cache {} MiB, objects up to {} MiB", address(), transport.name(),
                settings.upstream().origin(), settings.cacheBytes() >> 20, settings.maxObjectSize() >> 20);
    }

    /** The pipeline of a client connection, counting from the given positions (0 for a new one). */
    private void initPipeline(Channel ch, long sent, long received, ClientConnection.Resumed resumed) {
        if (holdsAcks(ch)) {
            ch.pipeline().addLast("held-acks", HeldAcks.INSTANCE);
        }
        ch.pipeline().addLast("timeouts", new ConnectionTimeouts(settings.headerTimeout(), settings.keepAliveTimeout()))
                .addLast("sent", new SentBytesCounter(sent))
                .addLast("decoder", new CountingRequestDecoder(decoderConfig, received))
                .addLast("exchanges", new ClientConnection(router, accessLog, checkpointing, clock, resumed));
    }

    /**
     * Whether the kernel's ACK of a request on {@code ch} waits for the response ({@link HeldAcks}): on a checkpointed
     * connection whose every response waits for its replicated checkpoint, so that the ACK means the cluster holds the
     * request.
     */
    private boolean holdsAcks(Channel ch) {
        return HeldAcks.ENABLED && checkpointing != null && checkpointing.smallBody() < 0
                && ch.localAddress() instanceof InetSocketAddress local && checkpointing.virtual().test(local.getAddress());
    }

    /**
     * Takes over a connection rebuilt from another node's checkpoint: decides how it resumes
     * ({@link HttpResume}), then either serves it on from this node's event loops, writing the rest
     * of the response in flight first, or resets it. The descriptor belongs to the node from here.
     *
     * @param fd    a connected TCP socket, out of repair mode
     * @param point its checkpoint and the client's positions
     * @return the plan that was carried out; a reset, the socket closed, when the socket has failed already (the
     *         client reset it): a channel made on such a socket is never active, so nothing would ever close it
     */
    public CompletableFuture<ResumePlan> resume(int fd, ResumePoint point) {
        if (!transport.name().equals("epoll")) {
            throw new UnsupportedOperationException("taking connections over needs the epoll transport (Linux)");
        }
        EpollSocketChannel ch = new EpollSocketChannel(fd);
        if (!ch.isActive()) {
            ch.unsafe().closeForcibly();
            return CompletableFuture.completedFuture(
                    new ResumePlan.Reset("the socket had failed before it could resume"));
        }
        ch.config().setTcpNoDelay(true).setWriteBufferWaterMark(new WriteBufferWaterMark(256 * 1024, 1024 * 1024));
        return resume(ch, point, c -> group.register(c));
    }

    /**
     * The longest {@link #resume}'s plan can take: the upstream's longest wait for a response head, since a plan asks
     * the origin at most once (a range) and decides as soon as its header block arrives, or its request fails.
     */
    public Duration longestResumePlan() {
        return settings.upstream().longestWait();
    }

    /**
     * {@link #resume(int, ResumePoint)} on any unregistered channel; {@code register} registers it
     * with an event loop once its pipeline is set up (tests use an embedded channel).
     */
    CompletableFuture<ResumePlan> resume(Channel ch, ResumePoint point, java.util.function.Consumer<Channel> register) {
        return resumer.plan(point).thenApply(plan -> {
            switch (plan) {
                case ResumePlan.Reset reset -> {
                    log.info("resetting {}: {}", point.checkpoint().id(), reset.why());
                    // Close with a RST, not a FIN: the client must not take a cut body for a whole one.
                    ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
                    ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                            ctx.close();
                        }
                    });
                    register.accept(ch);
                }
                case ResumePlan.Continue go -> {
                    initPipeline(ch, point.sendPosition(), point.receivePosition(),
                            new ClientConnection.Resumed(point.checkpoint(), point.sendPosition(), go.rest(), go.close(), null));
                    awaitRetransmission(ch, point);
                    register.accept(ch);
                }
                case ResumePlan.Replay replay -> {
                    // The parser counts the replayed head again: it starts that many bytes early.
                    byte[] head = replay.requestHead();
                    initPipeline(ch, point.sendPosition(), point.receivePosition() - head.length,
                            new ClientConnection.Resumed(point.checkpoint(), point.sendPosition(), null, false, head));
                    awaitRetransmission(ch, point);
                    register.accept(ch);
                }
            }
            return plan;
        });
    }

    private void awaitRetransmission(Channel ch, ResumePoint point) {
        if (point.unrecordedBytes() > 0) {
            ch.pipeline().addFirst("retransmission", new AwaitRetransmission(point.unrecordedBytes()));
            awaitingRetransmission.put(ch, point.checkpoint().ip().vip());
            ch.closeFuture().addListener(f -> awaitingRetransmission.remove(ch));
        }
    }

    /**
     * Arms the {@link AwaitRetransmission} of every connection of {@code vip} resumed since the last call: each is
     * reset unless its client's bytes beyond the checkpoint arrive within {@code within}. Call it once the VIP's
     * resets can reach clients.
     *
     * @return how many connections were armed
     */
    public int expectRetransmissions(InetAddress vip, Duration within) {
        int armed = 0;
        for (var e : awaitingRetransmission.entrySet()) {
            if (e.getValue().equals(vip) && awaitingRetransmission.remove(e.getKey(), vip)) {
                e.getKey().pipeline().fireUserEventTriggered(new AwaitRetransmission.Deadline(within));
                armed++;
            }
        }
        return armed;
    }

    /**
     * Says once, at start, when the JVM's direct memory cannot hold {@code needed} bytes of bodies (the cache and the
     * objects arriving for it): the node would then fail responses when it runs out, instead of streaming misses
     * through uncached.
     */
    private static void warnIfDirectMemoryIsShort(long needed) {
        long max = PlatformDependent.maxDirectMemory();
        if (max < needed) {
            log.warn("direct memory ({} MiB) is less than the cache and the objects arriving for it may hold ({} MiB):"
                    + " raise -XX:MaxDirectMemorySize, or lower cache.size", max >> 20, needed >> 20);
        }
    }

    /** Starts a node; returns once it listens. A bind failure throws with the address in the message. */
    public static ProxyServer start(ProxySettings settings) throws InterruptedException {
        return start(settings, Clock.systemUTC());
    }

    /** As {@link #start(ProxySettings)}, with the clock the cache's freshness decisions use. */
    public static ProxyServer start(ProxySettings settings, Clock clock) throws InterruptedException {
        return new ProxyServer(settings, clock, null);
    }

    /**
     * A node that checkpoints its connections to virtual IPs, so that another node can resume them.
     *
     * @param checkpointing how, or null for a plain proxy
     */
    public static ProxyServer start(ProxySettings settings, Clock clock, Checkpointing checkpointing)
            throws InterruptedException {
        return new ProxyServer(settings, clock, checkpointing);
    }

    /** The bound address (the real port if the settings asked for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public ObjectStore store() {
        return store;
    }

    public ProxySettings settings() {
        return settings;
    }

    /** Blocks until the listening socket closes. */
    public void awaitClose() throws InterruptedException {
        server.closeFuture().sync();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (upstream != null) {
            upstream.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        store.clear();
    }
}
