package dev.takeover.proxy.exchange;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * What a request must satisfy before the proxy acts on it, and the reply when it does not. Every
 * rejection closes the connection: once framing is in doubt, nothing after it can be trusted.
 *
 * <ul>
 *   <li>decoder failures: request line too long → 414, header block too large → 431, anything
 *       malformed (bad request line, bad field, both {@code Content-Length} and
 *       {@code Transfer-Encoding}, differing {@code Content-Length}s) → 400;</li>
 *   <li>HTTP major version other than 1 → 505;</li>
 *   <li>HTTP/1.1 without exactly one {@code Host} → 400;</li>
 *   <li>a request target that is neither origin-form ({@code /path?query}), absolute-form
 *       ({@code http://host/path}) nor {@code *} with OPTIONS → 400;</li>
 *   <li>an {@code Expect} other than {@code 100-continue} → 417.</li>
 * </ul>
 */
final class RequestChecks {
    private RequestChecks() {}

    /** The rejection for {@code request}, or {@code null} if the proxy may act on it. */
    static Reply check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return Replies.error(414, "request line too long", true);
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return Replies.error(431, "request header fields too large", true);
            }
            return Replies.error(400, "malformed request: " + cause.getMessage(), true);
        }
        if (request.protocolVersion().majorVersion() != 1) {
            return Replies.error(505, "only HTTP/1.0 and HTTP/1.1 are supported", true);
        }
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
            if (hosts.size() != 1) {
                return Replies.error(400, hosts.isEmpty() ? "missing Host" : "more than one Host", true);
            }
        }
        if (target(request) == null) {
            return Replies.error(400, "bad request target", true);
        }
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpUtil.is100ContinueExpected(request)) {
            return Replies.error(417, "unsupported expectation", true);
        }
        return null;
    }

    /**
     * The path and query the request is for, or {@code null} if its target is unusable. Absolute-form
     * targets are reduced to their path: the proxy fronts exactly one origin.
     */
    static String target(HttpRequest request) {
        String uri = request.uri();
        if (uri.startsWith("/")) {
            return uri;
        }
        if (uri.equals("*")) {
            return request.method().equals(HttpMethod.OPTIONS) ? uri : null;
        }
        int authority = uri.regionMatches(true, 0, "http://", 0, 7) ? 7
                : uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (authority < 0) {
            return null;
        }
        int end = authority;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String rest = uri.substring(end);
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    /** Whether a body follows the request's header block. */
    static boolean hasBody(HttpRequest request) {
        return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
    }

    /** A stand-in request for the access log when no request header block arrived in time. */
    static HttpRequest timedOut() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "-");
    }
}
