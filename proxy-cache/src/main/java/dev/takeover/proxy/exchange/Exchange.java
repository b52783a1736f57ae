package dev.takeover.proxy.exchange;

import dev.takeover.proxy.upstream.RequestBodyPipe;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One request and, eventually, its reply. Created by the connection in arrival order; the proxy
 * logic completes {@link #reply()} from any thread; the connection writes replies in order.
 */
public final class Exchange {
    private final HttpRequest request;
    private final SocketAddress client;
    private final long startNanos;
    private final boolean keepAlive;
    private final RequestBodyPipe body;
    private final CompletableFuture<Reply> reply = new CompletableFuture<>();
    private long requestEnd;

    Exchange(HttpRequest request, SocketAddress client, long startNanos, RequestBodyPipe body) {
        this.request = request;
        this.client = client;
        this.startNanos = startNanos;
        this.keepAlive = HttpUtil.isKeepAlive(request);
        this.body = body;
    }

    public HttpRequest request() {
        return request;
    }

    public SocketAddress client() {
        return client;
    }

    long startNanos() {
        return startNanos;
    }

    /** Whether the client wants the connection kept open after this exchange. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** True for an HTTP/1.0 client, which cannot take a chunked body. */
    public boolean isHttp10() {
        return request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    }

    /** The request body on its way to the origin, or {@code null} when the request has none. */
    public RequestBodyPipe body() {
        return body;
    }

    /** The receive position right after this request (its body included, once received). */
    long requestEnd() {
        return requestEnd;
    }

    void requestEnd(long position) {
        requestEnd = position;
    }

    /** Completes with the reply to write; completed exactly once, from any thread. */
    public CompletableFuture<Reply> reply() {
        return reply;
    }
}
