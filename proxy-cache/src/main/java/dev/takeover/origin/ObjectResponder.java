package dev.takeover.origin;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.util.Date;

/**
 * Answers GET and HEAD for a {@link ServedObject}: conditional requests (304), ranges (206/416), or the whole
 * representation (200), each with the object's validators. HEAD gets exactly the head GET would get. Thread-safe.
 */
final class ObjectResponder {

    static final String CACHE_CONTROL = "public, max-age=3600";

    private final BodyFactory bodies;

    ObjectResponder(BodyFactory bodies) {
        this.bodies = bodies;
    }

    /**
     * Sends the response for {@code object} on {@code exchange}.
     *
     * @throws IOException if the object's content cannot be opened; nothing has been sent then
     */
    void respond(Exchange exchange, ServedObject object) throws IOException {
        HttpHeaders requestHeaders = exchange.request().headers();
        if (Preconditions.notModified(requestHeaders, object)) {
            FullHttpResponse response = new DefaultFullHttpResponse(exchange.request().protocolVersion(),
                    HttpResponseStatus.NOT_MODIFIED);
            addValidators(response.headers(), object);
            exchange.send(response);
            return;
        }
        long length = object.length();
        RangeRequest range = Preconditions.rangeApplies(requestHeaders, object)
                ? RangeRequest.evaluate(requestHeaders.get(HttpHeaderNames.RANGE), length)
                : RangeRequest.WHOLE;
        switch (range) {
            case RangeRequest.Unsatisfiable ignored -> {
                FullHttpResponse response = exchange.text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        "range not satisfiable; length is " + length);
                response.headers()
                        .set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length)
                        .set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
                exchange.send(response);
            }
            case RangeRequest.Partial partial -> {
                HttpResponse head = exchange.newHead(HttpResponseStatus.PARTIAL_CONTENT);
                head.headers().set(HttpHeaderNames.CONTENT_RANGE, partial.contentRange(length));
                sendContent(exchange, head, object, partial.first(), partial.count());
            }
            case RangeRequest.Whole ignored -> sendContent(exchange, exchange.newHead(HttpResponseStatus.OK), object, 0,
                    length);
        }
    }

    private void sendContent(Exchange exchange, HttpResponse head, ServedObject object, long first, long count)
            throws IOException {
        boolean headOnly = exchange.request().method().equals(HttpMethod.HEAD);
        Body body = headOnly ? Body.EMPTY : bodies.open(object, first, count);
        addValidators(head.headers(), object);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, object.contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, count);
        exchange.send(head, body);
    }

    private static void addValidators(HttpHeaders headers, ServedObject object) {
        headers.set(HttpHeaderNames.ETAG, object.etag())
                .set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(Date.from(object.lastModified())))
                .set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL)
                .set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
    }
}
