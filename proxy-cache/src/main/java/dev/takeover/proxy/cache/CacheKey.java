package dev.takeover.proxy.cache;

import java.util.Objects;

/**
 * Where a response is stored: the request target (path and query; the proxy fronts one origin, so the
 * host is implied) and the variant selected by the response's {@code Vary} fields ("" when none).
 */
public record CacheKey(String target, String variant) {
    public CacheKey {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(variant, "variant");
    }

    /** The key of a target's primary entry: the object itself, or the marker naming its Vary fields. */
    public static CacheKey primary(String target) {
        return new CacheKey(target, "");
    }
}
