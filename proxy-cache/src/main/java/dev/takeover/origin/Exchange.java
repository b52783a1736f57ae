package dev.takeover.origin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * One request and the single response it gets. Owns the connection policy: every response gets a {@code Date}, the
 * connection persists only if the request allows it, and once a response says {@code Connection: close} the channel is
 * closed after it and later pipelined requests are dropped (see {@link #closing}).
 *
 * <p>Confined to the channel's event loop.
 */
final class Exchange {

    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf(Exchange.class, "closing");

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final boolean keepAlive;
    private final Instant now;
    private HttpResponseStatus status;

    /**
     * @param keepAlive whether the connection may persist after this exchange (the request's wish, unless the request
     *                  is malformed)
     * @param now       the time stamped into {@code Date}
     */
    Exchange(ChannelHandlerContext ctx, HttpRequest request, boolean keepAlive, Instant now) {
        this.ctx = ctx;
        this.request = request;
        this.keepAlive = keepAlive;
        this.now = now;
    }

    /** Whether an earlier response on this channel announced the close, so nothing more may be sent on it. */
    static boolean closing(ChannelHandlerContext ctx) {
        return ctx.channel().hasAttr(CLOSING);
    }

    HttpRequest request() {
        return request;
    }

    /** The status sent, or null before {@link #send}. */
    HttpResponseStatus status() {
        return status;
    }

    /** A response head in the request's protocol version, to be completed and passed to {@link #send}. */
    HttpResponse newHead(HttpResponseStatus status) {
        return new DefaultHttpResponse(request.protocolVersion(), status);
    }

    /** A complete short plain-text response that caches must not store. */
    FullHttpResponse text(HttpResponseStatus status, String message) {
        byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
                Unpooled.wrappedBuffer(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    /** Sends a complete response. */
    void send(FullHttpResponse response) {
        stamp(response);
        finish(ctx.writeAndFlush(response));
    }

    /** Sends a head and its body; the head must carry {@code Content-Length} matching the body. */
    void send(HttpResponse head, Body body) {
        stamp(head);
        ctx.write(head);
        ChannelFuture last = switch (body) {
            case Body.Empty ignored -> ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            case Body.Chunked chunked -> ctx.writeAndFlush(chunked.input());
            case Body.Region region -> {
                ctx.write(region.region());
                yield ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        };
        finish(last);
    }

    private void stamp(HttpResponse response) {
        status = response.status();
        response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(Date.from(now)));
        HttpUtil.setKeepAlive(response, keepAlive);
    }

    private void finish(ChannelFuture last) {
        if (keepAlive) {
            // a failed write leaves the response half sent: the connection cannot carry another one
            last.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            ctx.channel().attr(CLOSING).set(Boolean.TRUE);
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
