package dev.takeover.proxy.upstream;

import dev.takeover.proxy.cache.BodyBuffer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response on one pooled origin connection. Runs on that connection's event
 * loop. States: waiting for the header block (response timeout), then receiving the body (idle
 * timeout, back-pressure from the body buffer), then done (connection back to the pool, or closed).
 */
final class UpstreamCall {
    private final UpstreamClient client;
    private final Channel channel;
    private final UpstreamRequest request;
    private final CompletableFuture<UpstreamResponse> result;
    private final Runnable retry;
    private long requestTime;
    private HttpResponse response;
    private BodyBuffer body;
    private ScheduledFuture<?> timer;
    private boolean done;

    /** @param retry what to do if the connection turns out dead before any response byte, or null */
    UpstreamCall(UpstreamClient client, Channel channel, UpstreamRequest request,
                 CompletableFuture<UpstreamResponse> result, Runnable retry) {
        this.client = client;
        this.channel = channel;
        this.request = request;
        this.result = result;
        this.retry = retry;
    }

    void start() {
        if (!channel.isActive()) {
            fail(new java.nio.channels.ClosedChannelException());
            return;
        }
        channel.pipeline().get(Dispatcher.class).call = this;
        requestTime = client.clock().millis();
        HttpRequest head;
        String target = request.target().equals("*") ? "*" : client.settings().pathPrefix() + request.target();
        if (request.body() == null) {
            head = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), target,
                    Unpooled.EMPTY_BUFFER, request.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        } else {
            head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), target, request.headers());
        }
        head.headers().set(HttpHeaderNames.HOST, client.settings().hostHeader());
        channel.write(head);
        if (request.body() != null) {
            request.body().connect(channel);
        }
        channel.flush();
        schedule(client.settings().responseTimeout().toMillis(), () -> fail(new UpstreamException(
                UpstreamException.Kind.TIMEOUT, "origin sent no response within " + client.settings().responseTimeout(), null)));
    }

    void onMessage(Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    fail(new UpstreamException(UpstreamException.Kind.BROKEN, "invalid response from origin: "
                            + r.decoderResult().cause().getMessage(), r.decoderResult().cause()));
                    return;
                }
                if (r.status().code() / 100 == 1) {
                    return; // interim (100 Continue): the final response follows
                }
                onHead(r);
            }
            if (msg instanceof HttpContent content && body != null) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse r) {
        response = r;
        long expected = request.method().equals(HttpMethod.HEAD) ? 0 : HttpUtil.getContentLength(r, -1L);
        body = new BodyBuffer(channel.alloc(), expected, client.fills());
        channel.attr(UpstreamClient.REUSED).set(true);
        scheduleIdle();
        result.complete(new UpstreamResponse(r.status().code(), r.status().reasonPhrase(), r.headers(), body,
                requestTime, client.clock().millis()));
    }

    private void onContent(HttpContent content) {
        body.append(content.content());
        if (content instanceof LastHttpContent) {
            finish(HttpUtil.isKeepAlive(response));
            return;
        }
        if (body.isAbandoned()) {
            // The only reader went away and nothing will be stored: stop downloading.
            fail(new java.io.IOException("every reader of the response left"));
            return;
        }
        if (body.shouldPause()) {
            // The proxy holds the origin back for a slow reader: no body byte is due, so no idle timeout runs.
            cancelTimer();
            channel.config().setAutoRead(false);
            body.whenDrained(() -> channel.eventLoop().execute(() -> {
                if (!done) {
                    scheduleIdle();
                    channel.config().setAutoRead(true);
                    channel.read();
                }
            }));
        } else {
            scheduleIdle();
        }
    }

    private void finish(boolean reusable) {
        done = true;
        cancelTimer();
        body.complete();
        channel.pipeline().get(Dispatcher.class).call = null;
        if (!reusable) {
            channel.close();
        }
        client.release(channel);
    }

    /** The connection or the exchange failed; before the head the caller learns it, after it the body fails. */
    void fail(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        Dispatcher d = channel.pipeline().get(Dispatcher.class);
        if (d != null) {
            d.call = null;
        }
        channel.close();
        client.release(channel);
        if (body != null) {
            body.fail(cause);
            return;
        }
        if (retry != null && !(cause instanceof UpstreamException)) {
            retry.run();
            return;
        }
        if (request.body() != null) {
            request.body().abort();
        }
        result.completeExceptionally(cause instanceof UpstreamException u ? u : new UpstreamException(
                UpstreamException.Kind.UNREACHABLE, "origin connection failed: " + cause, cause));
    }

    private void scheduleIdle() {
        schedule(client.settings().idleTimeout().toMillis(), () -> fail(new UpstreamException(
                UpstreamException.Kind.TIMEOUT, "origin body stalled for " + client.settings().idleTimeout(), null)));
    }

    private void schedule(long millis, Runnable action) {
        cancelTimer();
        timer = channel.eventLoop().schedule(action, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The connection's one handler after the codec: passes everything to the current call. */
    static final class Dispatcher extends ChannelInboundHandlerAdapter {
        UpstreamCall call;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (call != null) {
                call.onMessage(msg);
            } else {
                ReferenceCountUtil.release(msg); // nothing asked: a stray byte on an idle connection
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (call != null) {
                call.fail(new java.nio.channels.ClosedChannelException());
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (call != null) {
                call.fail(cause);
            } else {
                ctx.close();
            }
        }
    }
}
