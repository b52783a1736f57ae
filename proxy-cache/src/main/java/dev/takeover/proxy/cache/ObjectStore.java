package dev.takeover.proxy.cache;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The proxy's object store: complete responses, bounded by the bytes their bodies occupy.
 *
 * <p>Thread safe. Lookups never block on I/O. An object returned by {@link #lookup} may be evicted at
 * any moment; a reader secures its body with {@link BodyBuffer#open(long)}, which fails (returns
 * {@code null}) once the body was freed: treat that as a miss.
 */
public interface ObjectStore {

    /** The stored response selected for a request to {@code target} with these header fields, or null. */
    CachedObject lookup(String target, HttpHeaders requestHeaders);

    /**
     * Stores {@code object}, replacing any response stored under its key, and records its Vary fields
     * for the target. The store takes over the object's body reference.
     */
    void put(CachedObject object);

    /** Removes every stored variant of {@code target}. */
    void invalidate(String target);

    /** Bytes currently held (bodies and header blocks). */
    long weightedSize();

    /** Objects currently held. */
    long count();

    /** Drops everything, freeing the bodies. */
    void clear();
}
