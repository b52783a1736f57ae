package dev.takeover.proxy.cache;

import dev.takeover.proxy.cache.policy.CacheControl;
import dev.takeover.proxy.cache.policy.HttpDates;
import dev.takeover.proxy.cache.policy.Freshness;
import dev.takeover.proxy.cache.policy.FreshnessState;
import dev.takeover.proxy.cache.policy.VarySpec;
import dev.takeover.proxy.http.HeaderBlock;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * A stored response: status, header fields, and a body that may still be filling.
 *
 * <p>The header fields are serialized once, when the object is stored ({@link #fieldBlock()}), in the
 * order the origin sent them, without the fields that belong to one response ({@code Age},
 * {@code Content-Length}, {@code Connection}, ...). Every node holding the object therefore
 * produces the same header block for it, which is what lets a response be resumed mid-header on
 * another node.
 *
 * <p>Immutable, except that the body fills; a 304 revalidation yields a new object sharing the body
 * ({@link #withHeaders}).
 */
public final class CachedObject implements Stored {
    private final CacheKey key;
    private final int status;
    private final String reason;
    private final HttpHeaders headers;
    private final byte[] fieldBlock;
    private final CacheControl cacheControl;
    private final VarySpec vary;
    private final BodyBuffer body;
    private final long requestTime;
    private final long responseTime;
    // Derived from the stored fields, which do not change: computed once, not on every hit.
    private final long lifetimeMillis;
    private final long initialAgeMillis;
    private final String etag;
    private final long lastModifiedEpochSec;

    /**
     * @param headers      stored fields, hop-by-hop fields already removed; not modified afterwards
     * @param body         the body; this object takes over one reference from the caller
     * @param requestTime  when the request that produced it was sent (epoch ms), for the age calculation
     * @param responseTime when its header block arrived (epoch ms)
     */
    public CachedObject(CacheKey key, int status, String reason, HttpHeaders headers, BodyBuffer body,
                        long requestTime, long responseTime) {
        this.key = key;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.fieldBlock = HeaderBlock.storedFields(headers);
        this.cacheControl = CacheControl.ofResponse(headers);
        this.etag = headers.get(HttpHeaderNames.ETAG);
        this.lastModifiedEpochSec = HttpDates.parse(
                headers.get(HttpHeaderNames.LAST_MODIFIED)).orElse(-1000) / 1000;
        this.vary = VarySpec.of(headers);
        this.body = body;
        this.requestTime = requestTime;
        this.responseTime = responseTime;
        this.lifetimeMillis = Freshness.lifetimeMillis(status, headers, cacheControl);
        this.initialAgeMillis = Freshness.correctedInitialAgeMillis(headers, requestTime, responseTime);
    }

    /**
     * The same object with the header fields a 304 brought and new timing; it takes its own reference
     * on the shared body. Returns {@code null} if the body was freed meanwhile.
     */
    public CachedObject withHeaders(HttpHeaders updated, long requestTime, long responseTime) {
        if (!body.tryRetain()) {
            return null;
        }
        return new CachedObject(key, status, reason, updated, body, requestTime, responseTime);
    }

    public CacheKey key() {
        return key;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** The stored fields; callers must not modify them. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The serialized stored fields, {@code Name: value CRLF} each; callers must not modify it. */
    public byte[] fieldBlock() {
        return fieldBlock;
    }

    public CacheControl cacheControl() {
        return cacheControl;
    }

    public VarySpec vary() {
        return vary;
    }

    /** The stored {@code ETag}, or null. */
    public String etag() {
        return etag;
    }

    /** The stored {@code Last-Modified} in epoch seconds, or -1. */
    public long lastModifiedEpochSec() {
        return lastModifiedEpochSec;
    }

    public BodyBuffer body() {
        return body;
    }

    public long requestTime() {
        return requestTime;
    }

    public long responseTime() {
        return responseTime;
    }

    /** The freshness lifetime, {@link Freshness#lifetimeMillis(int, HttpHeaders)} of the stored fields. */
    public long lifetimeMillis() {
        return lifetimeMillis;
    }

    /** The current age at {@code nowMillis}, as {@link Freshness#currentAgeMillis(HttpHeaders, long, long, long)}. */
    public long currentAgeMillis(long nowMillis) {
        return Freshness.currentAgeMillis(initialAgeMillis, responseTime, nowMillis);
    }

    /** Lifetime and age at {@code nowMillis}, as {@link Freshness#state}. */
    public FreshnessState freshness(long nowMillis) {
        return new FreshnessState(lifetimeMillis, currentAgeMillis(nowMillis));
    }

    @Override
    public long weight() {
        return body.footprint() + fieldBlock.length + 256;
    }

    @Override
    public String toString() {
        return "CachedObject[" + key + ", " + status + ", " + body.knownLength() + " bytes]";
    }
}
