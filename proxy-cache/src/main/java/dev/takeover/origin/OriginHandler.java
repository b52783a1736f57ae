package dev.takeover.origin;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Routes each aggregated request: {@code POST}/{@code PUT} under {@code /echo} are echoed, {@code GET}/{@code HEAD}
 * under {@code /synthetic/} get a {@link SyntheticObject}, other {@code GET}/{@code HEAD} paths a file of the served
 * directory; everything else is 405. Malformed requests get 400 and the connection is closed.
 *
 * <p>Stateless and shared by all channels; requests are answered in arrival order because each is answered
 * synchronously on its channel's event loop and every write goes through the same {@code ChunkedWriteHandler} queue.
 */
@ChannelHandler.Sharable
final class OriginHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(OriginHandler.class);
    private static final String ECHO_PREFIX = "/echo";
    private static final String ALLOW_OBJECTS = "GET, HEAD";
    private static final String ALLOW_ECHO = "GET, HEAD, POST, PUT";

    private final Optional<FileResolver> files;
    private final ObjectResponder objects;
    private final Clock clock;

    OriginHandler(Optional<FileResolver> files, ObjectResponder objects, Clock clock) {
        this.files = Objects.requireNonNull(files, "files");
        this.objects = Objects.requireNonNull(objects, "objects");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (Exchange.closing(ctx)) {
            return; // pipelined after a request that closes the connection: RFC 9112 says to ignore it
        }
        boolean wellFormed = request.decoderResult().isSuccess();
        Exchange exchange = new Exchange(ctx, request, wellFormed && HttpUtil.isKeepAlive(request), clock.instant());
        if (!wellFormed) {
            exchange.send(exchange.text(HttpResponseStatus.BAD_REQUEST,
                    "malformed request: " + request.decoderResult().cause().getMessage()));
        } else {
            try {
                route(exchange, request);
            } catch (IOException e) {
                LOG.warn("cannot serve {}: {}", request.uri(), e.toString());
                exchange.send(exchange.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read the object"));
            }
        }
        LOG.debug("{} {} {} -> {}", ctx.channel().remoteAddress(), request.method(), request.uri(), exchange.status());
    }

    private void route(Exchange exchange, FullHttpRequest request) throws IOException {
        RequestTarget target;
        try {
            target = RequestTarget.parse(request.uri());
        } catch (IllegalArgumentException e) {
            badRequest(exchange, e);
            return;
        }
        HttpMethod method = request.method();
        boolean echoPath = target.rawPath().startsWith(ECHO_PREFIX);
        if (echoPath && (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT))) {
            echo(exchange, request);
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse response = exchange.text(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method not allowed: " + method);
            response.headers().set(HttpHeaderNames.ALLOW, echoPath ? ALLOW_ECHO : ALLOW_OBJECTS);
            exchange.send(response);
            return;
        }
        Optional<SyntheticObject> synthetic;
        try {
            synthetic = SyntheticObject.parse(target.originForm());
        } catch (IllegalArgumentException e) {
            badRequest(exchange, e);
            return;
        }
        if (synthetic.isPresent()) {
            objects.respond(exchange, synthetic.get());
            return;
        }
        Optional<FileObject> file = Optional.empty();
        if (files.isPresent()) {
            String path;
            try {
                path = target.decodedPath();
            } catch (IllegalArgumentException e) {
                badRequest(exchange, e);
                return;
            }
            file = files.get().resolve(path);
        }
        if (file.isPresent()) {
            objects.respond(exchange, file.get());
        } else {
            exchange.send(exchange.text(HttpResponseStatus.NOT_FOUND, "not found"));
        }
    }

    private static void echo(Exchange exchange, FullHttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                request.content().retainedDuplicate());
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType != null ? contentType : ContentTypes.DEFAULT)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        exchange.send(response);
    }

    private static void badRequest(Exchange exchange, IllegalArgumentException e) {
        exchange.send(exchange.text(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing {} after {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
