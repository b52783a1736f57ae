package dev.takeover.proxy.cache.policy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Objects;

/**
 * Whether a stored response may be used to answer a request (RFC 9111 §4, §4.2.4, §5.2; RFC 5861).
 *
 * <p>{@link #decide} checks, in order:
 * <ol>
 *   <li>response {@code no-cache} → {@link ReuseDecision.Revalidate} (RFC 9111 §5.2.2.4);</li>
 *   <li>request {@code no-cache} (or {@code Pragma: no-cache}), request {@code max-age=0}, request {@code max-age}
 *       smaller than the age, or request {@code min-fresh} not met → {@code Revalidate} (RFC 9111 §5.2.1);</li>
 *   <li>fresh → {@link ReuseDecision.ServeFresh};</li>
 *   <li>stale with {@code must-revalidate}, {@code proxy-revalidate} or {@code s-maxage} (which implies
 *       {@code proxy-revalidate} in a shared cache, RFC 9111 §5.2.2.10) → {@code Revalidate}, whatever the client
 *       accepts;</li>
 *   <li>stale within the request's {@code max-stale} → {@link ReuseDecision.ServeStale} ({@code MAX_STALE});</li>
 *   <li>stale within the response's {@code stale-while-revalidate} window and the origin reachable →
 *       {@code ServeStale} ({@code STALE_WHILE_REVALIDATE}); that permission exists only because the cache
 *       revalidates in the background, which it cannot do when the origin is known to be down;</li>
 *   <li>otherwise {@code Revalidate}.</li>
 * </ol>
 * The caller handles {@code only-if-cached} (RFC 9111 §5.2.1.7): when the request carries it, a {@code Revalidate}
 * (or a miss) must be answered with 504 instead of contacting the origin. {@code immutable} is parsed but does not
 * change the decision: a client's explicit {@code no-cache} still wins in a shared cache.
 *
 * <p>Stateless and thread-safe.
 */
public final class Reuse {

    private Reuse() {
    }

    /**
     * Decides how a stored response may be reused for a request.
     *
     * @param requestHeaders  the request's headers ({@code Cache-Control}, {@code Pragma})
     * @param responseCc      the stored response's directives
     * @param state           the stored response's lifetime and current age
     * @param originReachable false when the caller already knows the origin is down (e.g. an open circuit breaker);
     *                        then {@code stale-while-revalidate} does not apply and stale responses come back as
     *                        {@code Revalidate}, to be handled by {@link #mayServeStaleOnError}
     * @return the first applicable decision of the list above
     */
    public static ReuseDecision decide(HttpHeaders requestHeaders, CacheControl responseCc, FreshnessState state,
                                       boolean originReachable) {
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseCc, "responseCc");
        Objects.requireNonNull(state, "state");
        if (responseCc.noCache()) {
            return new ReuseDecision.Revalidate();
        }
        CacheControl request = CacheControl.ofRequest(requestHeaders);
        if (request.noCache()) {
            return new ReuseDecision.Revalidate();
        }
        if (request.maxAge().isPresent()) {
            long maxAge = request.maxAge().getAsLong();
            if (maxAge == 0 || state.ageMillis() > FieldValues.secondsToMillis(maxAge)) {
                return new ReuseDecision.Revalidate();
            }
        }
        if (request.minFresh().isPresent()
            && state.lifetimeMillis() - state.ageMillis() < FieldValues.secondsToMillis(request.minFresh().getAsLong())) {
            return new ReuseDecision.Revalidate();
        }
        if (state.isFresh()) {
            return new ReuseDecision.ServeFresh();
        }
        if (forbidsStale(responseCc)) {
            return new ReuseDecision.Revalidate();
        }
        long staleness = state.stalenessMillis();
        if (within(staleness, request.maxStale().orElse(-1))) {
            return new ReuseDecision.ServeStale(ReuseDecision.ServeStale.MAX_STALE);
        }
        if (originReachable && within(staleness, responseCc.staleWhileRevalidate().orElse(-1))) {
            return new ReuseDecision.ServeStale(ReuseDecision.ServeStale.STALE_WHILE_REVALIDATE);
        }
        return new ReuseDecision.Revalidate();
    }

    /**
     * Whether a stored response may be served because validation failed: the origin could not be reached or answered
     * with a 5xx (RFC 9111 §4.2.4, RFC 5861 §4).
     *
     * <ul>
     *   <li>Never with response {@code no-cache}, fresh or not: it must not be used without successful validation.</li>
     *   <li>A fresh response otherwise always may (the client's preference for validation cannot be met).</li>
     *   <li>A stale response never with {@code must-revalidate}, {@code proxy-revalidate} or {@code s-maxage}.</li>
     *   <li>Within the response's or the request's {@code stale-if-error} window, or within the request's
     *       {@code max-stale}: yes.</li>
     *   <li>Otherwise, if the response has {@code stale-if-error}, the origin set an explicit limit and it is
     *       exceeded: no. Without it, up to {@code defaultMaxStaleMillis} of staleness: yes.</li>
     * </ul>
     *
     * @param responseCc            the stored response's directives
     * @param requestCc             the request's directives
     * @param state                 the stored response's lifetime and current age
     * @param defaultMaxStaleMillis the operator's limit for serving stale on error when the origin gave none; 0 to
     *                              serve stale on error only when a directive allows it
     * @return true if the stored response may be served instead of the error
     * @throws IllegalArgumentException if {@code defaultMaxStaleMillis} is negative
     */
    public static boolean mayServeStaleOnError(CacheControl responseCc, CacheControl requestCc, FreshnessState state,
                                               long defaultMaxStaleMillis) {
        Objects.requireNonNull(responseCc, "responseCc");
        Objects.requireNonNull(requestCc, "requestCc");
        Objects.requireNonNull(state, "state");
        if (defaultMaxStaleMillis < 0) {
            throw new IllegalArgumentException("defaultMaxStaleMillis must not be negative: " + defaultMaxStaleMillis);
        }
        if (responseCc.noCache()) {
            return false;
        }
        if (state.isFresh()) {
            return true;
        }
        if (forbidsStale(responseCc)) {
            return false;
        }
        long staleness = state.stalenessMillis();
        if (within(staleness, responseCc.staleIfError().orElse(-1))
            || within(staleness, requestCc.staleIfError().orElse(-1))
            || within(staleness, requestCc.maxStale().orElse(-1))) {
            return true;
        }
        return responseCc.staleIfError().isEmpty() && staleness <= defaultMaxStaleMillis;
    }

    /** Directives that forbid serving a stale response without validation in a shared cache (RFC 9111 §4.2.4). */
    private static boolean forbidsStale(CacheControl responseCc) {
        return responseCc.mustRevalidate() || responseCc.proxyRevalidate() || responseCc.sMaxAge().isPresent();
    }

    /** Whether the staleness is covered by a window in seconds; a negative window means "no such directive". */
    private static boolean within(long stalenessMillis, long windowSeconds) {
        return windowSeconds >= 0 && stalenessMillis <= FieldValues.secondsToMillis(windowSeconds);
    }
}
