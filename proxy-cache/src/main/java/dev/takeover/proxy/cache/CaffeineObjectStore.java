package dev.takeover.proxy.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.takeover.proxy.cache.policy.VarySpec;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * {@link ObjectStore} on a Caffeine cache weighted by bytes. A varying target keeps a small
 * {@link VaryMarker} under its primary key and its variants under secondary keys; eviction and
 * replacement release the body's reference (readers still holding cursors keep it alive).
 */
public final class CaffeineObjectStore implements ObjectStore {
    private final Cache<CacheKey, Stored> cache;

    /** @param maxBytes the bound on stored bodies and header blocks, in bytes */
    public CaffeineObjectStore(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("cache size must be positive, was " + maxBytes);
        }
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CacheKey k, Stored v) -> (int) Math.min(Integer.MAX_VALUE, v.weight()))
                // Synchronous, so memory is freed by the write that evicted, not later on a pool.
                .executor(Runnable::run)
                .removalListener(CaffeineObjectStore::onRemoval)
                .build();
    }

    private static void onRemoval(CacheKey key, Stored value, RemovalCause cause) {
        if (value instanceof CachedObject object) {
            object.body().release();
        }
    }

    @Override
    public CachedObject lookup(String target, HttpHeaders requestHeaders) {
        Stored primary = cache.getIfPresent(CacheKey.primary(target));
        return switch (primary) {
            case null -> null;
            case CachedObject object -> object;
            case VaryMarker marker -> cache.getIfPresent(new CacheKey(target,
                    marker.vary().secondaryKey(requestHeaders))) instanceof CachedObject o ? o : null;
        };
    }

    @Override
    public void put(CachedObject object) {
        VarySpec vary = object.vary();
        CacheKey primary = CacheKey.primary(object.key().target());
        if (vary.equals(VarySpec.NONE)) {
            cache.put(primary, object);
            return;
        }
        if (!(cache.getIfPresent(primary) instanceof VaryMarker m && m.vary().equals(vary))) {
            // The fields that select a variant changed: variants stored under the old fields are unreachable.
            invalidate(object.key().target());
            cache.put(primary, new VaryMarker(vary));
        }
        cache.put(object.key(), object);
    }

    @Override
    public void invalidate(String target) {
        // Removals through the map view notify the removal listener, which releases the bodies.
        if (cache.asMap().remove(CacheKey.primary(target)) instanceof VaryMarker) {
            cache.asMap().keySet().removeIf(k -> k.target().equals(target));
        }
    }

    @Override
    public long weightedSize() {
        return cache.policy().eviction().flatMap(e -> e.weightedSize().stream().boxed().findFirst()).orElse(0L);
    }

    @Override
    public long count() {
        return cache.estimatedSize();
    }

    @Override
    public void clear() {
        cache.invalidateAll();
    }
}
