package dev.takeover.proxy.cache;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the direct memory held by bodies that are still arriving from the origin and are being kept for the cache.
 *
 * <p>The cache bounds only complete objects (by weight). A cacheable miss keeps every byte until it is complete.
 * Without a bound, many concurrent misses of large objects can exhaust direct memory. For example, downloads that a
 * takeover replays from their start, each one a fresh fill. A {@link BodyBuffer} reserves each segment here while it
 * retains. When a reservation is refused, the body stops retaining: it streams through with back-pressure and is not
 * stored, like an object over the size limit. A body hands its reservation back when it completes (the cache then
 * accounts for it), fails, stops retaining, or is freed.
 *
 * <p>Thread-safe and lock-free. {@link #reserved()} never exceeds {@link #limit()}.
 */
public final class FillBudget {
    /** No bound: for bodies that are never cached (generated responses, tests). */
    public static final FillBudget UNBOUNDED = new FillBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    /** @param limit the most bytes all retained, incomplete bodies may hold together; positive */
    public FillBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /** @return whether {@code bytes} (not negative) were reserved; nothing is reserved when false */
    public boolean tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        for (;;) {
            long now = reserved.get();
            if (bytes > limit - now) {
                return false;
            }
            if (reserved.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Hands back {@code bytes} that {@link #tryReserve} granted. */
    public void release(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        long after = reserved.addAndGet(-bytes);
        if (after < 0) {
            throw new IllegalStateException("released " + bytes + " bytes, leaving " + after + " reserved");
        }
    }

    public long reserved() {
        return reserved.get();
    }

    public long limit() {
        return limit;
    }
}
