package dev.takeover.config;

/**
 * The {@code cache} section: each node's object cache. The whole section is optional.
 *
 * <pre>{@code
 * cache:
 *   size: 1g
 *   max-object-size: 512m
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param size          key {@code cache.size}, default 1g: the total bytes of cached response bodies a node keeps,
 *                      held off the Java heap.
 * @param maxObjectSize key {@code cache.max-object-size}, default 512m: responses with larger bodies are passed
 *                      through to the client without being cached. Must not exceed {@code size}.
 */
public record CacheConfig(ByteSize size, ByteSize maxObjectSize) {

    /** Default of {@code cache.size}. */
    public static final ByteSize DEFAULT_SIZE = ByteSize.ofGib(1);
    /** Default of {@code cache.max-object-size}. */
    public static final ByteSize DEFAULT_MAX_OBJECT_SIZE = ByteSize.ofMib(512);

    /** The section with every key at its default. */
    public static final CacheConfig DEFAULTS = new CacheConfig(DEFAULT_SIZE, DEFAULT_MAX_OBJECT_SIZE);

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a size is zero or {@code maxObjectSize > size}
     */
    public CacheConfig {
        Config.requirePositive(size, "size");
        Config.requirePositive(maxObjectSize, "maxObjectSize");
        if (maxObjectSize.compareTo(size) > 0) {
            throw new IllegalArgumentException("maxObjectSize " + maxObjectSize + " exceeds size " + size);
        }
    }
}
