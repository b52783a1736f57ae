package dev.takeover.proxy;

import dev.takeover.proxy.upstream.UpstreamSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a proxy node needs to run. Validated on construction: a bad value fails here, with a
 * message naming it, not later in a handler.
 *
 * @param listen           where clients connect (default 0.0.0.0:80)
 * @param upstream         the origin and how to reach it
 * @param cacheBytes       bound on stored bodies, off-heap (default 1 GiB)
 * @param maxObjectSize    larger responses pass through uncached (default 512 MiB); at most cacheBytes
 * @param headerTimeout    a request's header block must arrive within this, else 408 (default 10 s)
 * @param keepAliveTimeout an idle client connection is closed after this (default 60 s)
 * @param maxHeaderSize    bytes of a request's header fields, else 431 (default 16 KiB)
 * @param maxUriLength     bytes of the request line, else 414 (default 8 KiB)
 * @param maxStaleOnError  how stale a stored response may be to stand in for a failing origin when
 *                         the response itself does not say (default 1 day)
 * @param ioThreads        event-loop threads, 0 for one per core
 * @param ioNice           nice value of the event-loop threads, 0 (default: the process's) to 19; a cluster node
 *                         raises it so that bulk transfers yield the CPU to its heartbeats and takeovers
 */
public record ProxySettings(InetSocketAddress listen, UpstreamSettings upstream, long cacheBytes, long maxObjectSize,
                            Duration headerTimeout, Duration keepAliveTimeout, int maxHeaderSize, int maxUriLength,
                            Duration maxStaleOnError, int ioThreads, int ioNice) {
    public ProxySettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(upstream, "upstream");
        if (cacheBytes <= 0) {
            throw new IllegalArgumentException("cache size must be positive, was " + cacheBytes);
        }
        if (maxObjectSize <= 0 || maxObjectSize > cacheBytes) {
            throw new IllegalArgumentException("max object size must be positive and at most the cache size ("
                    + cacheBytes + "), was " + maxObjectSize);
        }
        positive(headerTimeout, "header timeout");
        positive(keepAliveTimeout, "keep-alive timeout");
        positive(maxStaleOnError, "max stale on error");
        if (maxHeaderSize < 1024 || maxUriLength < 256) {
            throw new IllegalArgumentException("header size limit must be at least 1 KiB and URI limit at least 256 bytes");
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("io threads must not be negative, was " + ioThreads);
        }
        if (ioNice < 0 || ioNice > 19) {
            throw new IllegalArgumentException("io nice must be in [0, 19], was " + ioNice);
        }
    }

    /** Defaults for everything but where to listen and the origin. */
    public static ProxySettings of(InetSocketAddress listen, URI origin) {
        return new ProxySettings(listen, UpstreamSettings.of(origin), 1L << 30, 512L << 20, Duration.ofSeconds(10),
                Duration.ofSeconds(60), 16 * 1024, 8 * 1024, Duration.ofDays(1), 0, 0);
    }

    public ProxySettings withCache(long cacheBytes, long maxObjectSize) {
        return new ProxySettings(listen, upstream, cacheBytes, maxObjectSize, headerTimeout, keepAliveTimeout,
                maxHeaderSize, maxUriLength, maxStaleOnError, ioThreads, ioNice);
    }

    public ProxySettings withTimeouts(Duration headerTimeout, Duration keepAliveTimeout) {
        return new ProxySettings(listen, upstream, cacheBytes, maxObjectSize, headerTimeout, keepAliveTimeout,
                maxHeaderSize, maxUriLength, maxStaleOnError, ioThreads, ioNice);
    }

    public ProxySettings withLimits(int maxHeaderSize, int maxUriLength) {
        return new ProxySettings(listen, upstream, cacheBytes, maxObjectSize, headerTimeout, keepAliveTimeout,
                maxHeaderSize, maxUriLength, maxStaleOnError, ioThreads, ioNice);
    }

    public ProxySettings withUpstream(UpstreamSettings upstream) {
        return new ProxySettings(listen, upstream, cacheBytes, maxObjectSize, headerTimeout, keepAliveTimeout,
                maxHeaderSize, maxUriLength, maxStaleOnError, ioThreads, ioNice);
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
