package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Objects;

/**
 * Whether a response may be stored by a shared cache (RFC 9111 §3), tightened for a reverse proxy.
 *
 * <p>The rules, in the order they are checked (the first that fails gives the {@link StoreDecision.DoNotStore}
 * reason):
 * <ol>
 *   <li>Only responses to {@code GET} are stored; {@code HEAD} responses have no content to reuse.</li>
 *   <li>The status must be final and understood: the heuristically cacheable codes (RFC 9110 §15.1:
 *       {@link #isHeuristicallyCacheable 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501}) always qualify;
 *       {@code 302} and {@code 307} only with explicit freshness ({@code max-age}, {@code s-maxage} or an
 *       {@code Expires} field, RFC 9111 §3 item "contains ... Expires"); everything else, notably {@code 206}, never
 *       (partial content is not stored).</li>
 *   <li>No {@code no-store} in the request or in the response (RFC 9111 §5.2.1.5, §5.2.2.5).</li>
 *   <li>No {@code private} in the response (RFC 9111 §5.2.2.7; a shared cache).</li>
 *   <li>A request with {@code Authorization} only if the response has {@code public}, {@code s-maxage} or
 *       {@code must-revalidate} (RFC 9111 §3.5).</li>
 *   <li>No {@code Vary: *} (it can never be matched, RFC 9111 §4.1).</li>
 *   <li>No {@code Set-Cookie}: a reverse proxy must not hand one client's cookies to another.</li>
 * </ol>
 * RFC 9111 §3 also requires explicit freshness, a validator, or a heuristically cacheable status; the status rule
 * above already guarantees that.
 *
 * <p>Stateless and thread-safe; the headers are only read.
 */
public final class Storability {

    private Storability() {
    }

    /**
     * Decides whether the response may be stored.
     *
     * @param requestMethod   the method of the request that produced the response
     * @param requestHeaders  the request's headers
     * @param status          the response status code
     * @param responseHeaders the response's headers
     * @return {@link StoreDecision.Store} or {@link StoreDecision.DoNotStore} with the first failing rule
     */
    public static StoreDecision decide(HttpMethod requestMethod, HttpHeaders requestHeaders, int status,
                                       HttpHeaders responseHeaders) {
        Objects.requireNonNull(requestMethod, "requestMethod");
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        if (!HttpMethod.GET.equals(requestMethod)) {
            return new StoreDecision.DoNotStore("method " + requestMethod.name() + " is not cacheable here");
        }
        CacheControl response = CacheControl.ofResponse(responseHeaders);
        if (!isHeuristicallyCacheable(status)) {
            boolean explicit = response.maxAge().isPresent() || response.sMaxAge().isPresent()
                || responseHeaders.contains(HttpHeaderNames.EXPIRES);
            if (!(status == 302 || status == 307) || !explicit) {
                return new StoreDecision.DoNotStore(
                    status == 302 || status == 307 ? "status " + status + " without explicit freshness"
                        : "status " + status + " is not cacheable");
            }
        }
        if (CacheControl.ofRequest(requestHeaders).noStore()) {
            return new StoreDecision.DoNotStore("request no-store");
        }
        if (response.noStore()) {
            return new StoreDecision.DoNotStore("response no-store");
        }
        if (response.isPrivate()) {
            return new StoreDecision.DoNotStore("response private");
        }
        if (requestHeaders.contains(HttpHeaderNames.AUTHORIZATION)
            && !(response.isPublic() || response.sMaxAge().isPresent() || response.mustRevalidate())) {
            return new StoreDecision.DoNotStore("Authorization without public, s-maxage or must-revalidate");
        }
        if (VarySpec.of(responseHeaders).wildcard()) {
            return new StoreDecision.DoNotStore("Vary: *");
        }
        if (responseHeaders.contains(HttpHeaderNames.SET_COOKIE)) {
            return new StoreDecision.DoNotStore("Set-Cookie");
        }
        return new StoreDecision.Store();
    }

    /**
     * Whether a status code is heuristically cacheable (RFC 9110 §15.1).
     *
     * @param status a status code
     * @return true for 200, 203, 204, 300, 301, 308, 404, 405, 410, 414 and 501
     */
    public static boolean isHeuristicallyCacheable(int status) {
        return switch (status) {
            case 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501 -> true;
            default -> false;
        };
    }
}
