package dev.takeover.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code origin} section: the HTTP server behind the caches, and how each node talks to it.
 *
 * <pre>{@code
 * origin:
 *   url: http://198.18.0.2:8080
 *   connect-timeout: 2s
 *   response-timeout: 10s
 *   idle-timeout: 30s
 *   max-connections: 64
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param url             key {@code origin.url}, <b>required</b>: {@code http://host[:port][/path-prefix]}. Only
 *                        plain http is supported; no user info, query or fragment. The host is an IPv4 address or
 *                        a DNS name; the port defaults to 80. A path prefix is prepended to every request path.
 * @param connectTimeout  key {@code origin.connect-timeout}, default 2s: the limit for opening a TCP connection.
 * @param responseTimeout key {@code origin.response-timeout}, default 10s: the limit from sending a request to
 *                        receiving the first byte of its response.
 * @param idleTimeout     key {@code origin.idle-timeout}, default 30s: the longest gap allowed between two
 *                        received bytes of a response body before the transfer counts as failed.
 * @param maxConnections  key {@code origin.max-connections}, default {@value #DEFAULT_MAX_CONNECTIONS}: the most
 *                        connections one node keeps open to the origin at a time, at least 1.
 */
public record OriginConfig(URI url, Duration connectTimeout, Duration responseTimeout, Duration idleTimeout,
        int maxConnections) {

    /** Default of {@code origin.connect-timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Default of {@code origin.response-timeout}. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code origin.idle-timeout}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default of {@code origin.max-connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code url} is not an {@code http} URL with a host and no user info, query
     *                                  or fragment, a timeout is not positive, or {@code maxConnections < 1}
     */
    public OriginConfig {
        String problem = urlProblem(url);
        if (problem != null) {
            throw new IllegalArgumentException(problem + ": " + url);
        }
        Config.requirePositive(connectTimeout, "connectTimeout");
        Config.requirePositive(responseTimeout, "responseTimeout");
        Config.requirePositive(idleTimeout, "idleTimeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
    }

    /** @return an origin at {@code url} with every optional key at its default */
    public static OriginConfig withDefaults(URI url) {
        return new OriginConfig(url, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS);
    }

    /** @return the origin's host name or IPv4 address, as written */
    public String host() {
        return url.getHost();
    }

    /** @return the origin's port; 80 when the URL has none */
    public int port() {
        return url.getPort() == -1 ? 80 : url.getPort();
    }

    /**
     * @return the path prefix to put before every request path: empty, or starting with {@code /} and never ending
     *         with one (so {@code http://o/api/} gives {@code /api})
     */
    public String pathPrefix() {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** @return {@code host:port} as an HTTP/1.1 {@code Host} header value for requests to the origin */
    public String hostHeader() {
        return url.getPort() == -1 ? host() : host() + ":" + url.getPort();
    }

    /**
     * @return why {@code url} is not an acceptable origin URL, or null when it is. The loader reports the same
     *         text to the user.
     */
    static String urlProblem(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (scheme == null) {
            return "the URL must start with http://";
        }
        if (scheme.toLowerCase(Locale.ROOT).equals("https")) {
            return "https is not supported; the origin must be a plain http:// URL";
        }
        if (!scheme.toLowerCase(Locale.ROOT).equals("http")) {
            return "the scheme must be http, not " + scheme;
        }
        if (url.getHost() == null) {
            return "the URL has no valid host";
        }
        if (url.getRawUserInfo() != null) {
            return "the URL must not contain user info";
        }
        if (url.getRawQuery() != null) {
            return "the URL must not contain a query";
        }
        if (url.getRawFragment() != null) {
            return "the URL must not contain a fragment";
        }
        if (url.getPort() == 0 || url.getPort() > 65535) {
            return "the port must be 1..65535";
        }
        return null;
    }
}
