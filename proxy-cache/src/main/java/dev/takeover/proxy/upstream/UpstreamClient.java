package dev.takeover.proxy.upstream;

import dev.takeover.proxy.cache.FillBudget;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.AttributeKey;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The proxy's HTTP/1.1 client for its one origin: a bounded pool of persistent connections
 * (netty's {@link FixedChannelPool}), one request at a time per connection.
 *
 * <p>{@link #send} completes when the response's header block arrives; the body then streams into
 * the response's {@link dev.takeover.proxy.cache.BodyBuffer}. A retryable request that fails on a
 * reused connection before any response byte (the origin closed an idle connection) is sent once
 * more on a fresh one. Failures complete the future with an {@link UpstreamException}.
 *
 * <p>Thread safe.
 */
public final class UpstreamClient implements AutoCloseable {
    static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("takeover.upstream.reused");

    private final UpstreamSettings settings;
    private final Clock clock;
    private final FillBudget fills;
    private final FixedChannelPool pool;

    /** @param fills what the response bodies kept for the cache may hold while they arrive */
    public UpstreamClient(EventLoopGroup group, Class<? extends SocketChannel> channelType,
                          UpstreamSettings settings, Clock clock, FillBudget fills) {
        this.settings = settings;
        this.clock = clock;
        this.fills = fills;
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channelType)
                .remoteAddress(InetSocketAddress.createUnresolved(settings.origin().getHost(), settings.port()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true);
        this.pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(Channel ch) {
                ch.pipeline().addLast("codec", new HttpClientCodec(new HttpDecoderConfig()
                        .setMaxHeaderSize(64 * 1024).setMaxChunkSize(64 * 1024), false, false));
                ch.pipeline().addLast("call", new UpstreamCall.Dispatcher());
            }
        }, ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL,
                settings.responseTimeout().toMillis(), settings.maxConnections(), Integer.MAX_VALUE, true, true);
    }

    public UpstreamSettings settings() {
        return settings;
    }

    FillBudget fills() {
        return fills;
    }

    /** Sends {@code request}; the future completes with the response head or an {@link UpstreamException}. */
    public CompletableFuture<UpstreamResponse> send(UpstreamRequest request) {
        CompletableFuture<UpstreamResponse> result = new CompletableFuture<>();
        attempt(request, result, request.retryable());
        return result;
    }

    private void attempt(UpstreamRequest request, CompletableFuture<UpstreamResponse> result, boolean mayRetry) {
        pool.acquire().addListener(f -> {
            if (!f.isSuccess()) {
                if (request.body() != null) {
                    request.body().abort();
                }
                result.completeExceptionally(connectFailure(f.cause()));
                return;
            }
            Channel ch = (Channel) f.getNow();
            boolean reused = Boolean.TRUE.equals(ch.attr(REUSED).get());
            new UpstreamCall(this, ch, request, result, reused && mayRetry ? () -> attempt(request, result, false) : null)
                    .start();
        });
    }

    private UpstreamException connectFailure(Throwable cause) {
        String where = settings.hostHeader();
        if (cause instanceof io.netty.channel.ConnectTimeoutException || cause instanceof TimeoutException) {
            return new UpstreamException(UpstreamException.Kind.TIMEOUT, "origin " + where + " did not accept a connection in time", cause);
        }
        if (cause instanceof ConnectException) {
            return new UpstreamException(UpstreamException.Kind.UNREACHABLE, "origin " + where + " refused the connection", cause);
        }
        return new UpstreamException(UpstreamException.Kind.UNREACHABLE, "origin " + where + " unreachable: " + cause.getMessage(), cause);
    }

    Clock clock() {
        return clock;
    }

    void release(Channel ch) {
        pool.release(ch);
    }

    @Override
    public void close() {
        pool.close();
    }
}
