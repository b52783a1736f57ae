package dev.takeover.proxy.upstream;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Objects;

/**
 * A request for the origin.
 *
 * @param method  the method
 * @param target  path and query
 * @param headers end-to-end fields to send (hop-by-hop fields already removed; the client adds
 *                {@code Host} and the framing of {@code body})
 * @param body    the body, or {@code null} for none
 */
public record UpstreamRequest(HttpMethod method, String target, HttpHeaders headers, RequestBodyPipe body) {
    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
    }

    /** Safe to send twice: idempotent and without a body that was already streamed once. */
    boolean retryable() {
        return body == null && (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)
                || method.equals(HttpMethod.OPTIONS));
    }
}
