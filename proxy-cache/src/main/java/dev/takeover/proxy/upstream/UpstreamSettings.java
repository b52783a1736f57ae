package dev.takeover.proxy.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the proxy reaches its origin.
 *
 * @param origin          {@code http://host[:port][/prefix]}; a path prefix is put before every target
 * @param connectTimeout  to establish a connection (default 2 s); exceeded → 504
 * @param responseTimeout from the request sent to the response's header block (default 10 s); exceeded → 504
 * @param idleTimeout     longest gap between body bytes (default 30 s); exceeded → the body fails
 * @param maxConnections  pooled connections to the origin (default 64); more requests wait for one
 */
public record UpstreamSettings(URI origin, Duration connectTimeout, Duration responseTimeout,
                               Duration idleTimeout, int maxConnections) {
    public UpstreamSettings {
        Objects.requireNonNull(origin, "origin");
        if (!"http".equalsIgnoreCase(origin.getScheme()) || origin.getHost() == null) {
            throw new IllegalArgumentException("origin must be an http://host[:port] URL, was " + origin);
        }
        if (origin.getRawQuery() != null || origin.getRawFragment() != null || origin.getRawUserInfo() != null) {
            throw new IllegalArgumentException("origin must not have a query, fragment or user info, was " + origin);
        }
        requirePositive(connectTimeout, "connect timeout");
        requirePositive(responseTimeout, "response timeout");
        requirePositive(idleTimeout, "idle timeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max connections must be at least 1, was " + maxConnections);
        }
    }

    /** Settings with the defaults for everything but the origin. */
    public static UpstreamSettings of(URI origin) {
        return new UpstreamSettings(origin, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30), 64);
    }

    /**
     * The longest a request can wait for its response's header block, every bound spent: a pooled connection (its wait
     * is bounded by the response timeout), a connect, the response; twice, since a request on a reused connection that
     * turns out dead is sent once more on a fresh one. With the defaults, 44 s.
     */
    public Duration longestWait() {
        return responseTimeout.multipliedBy(2).plus(connectTimeout).multipliedBy(2);
    }

    public int port() {
        return origin.getPort() > 0 ? origin.getPort() : 80;
    }

    /** The origin's path prefix without a trailing slash ("" for none), put before every request target. */
    public String pathPrefix() {
        String path = origin.getRawPath();
        return path == null ? "" : path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** The {@code Host} field for requests to the origin. */
    public String hostHeader() {
        return origin.getPort() > 0 ? origin.getHost() + ":" + origin.getPort() : origin.getHost();
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
