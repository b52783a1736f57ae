package dev.takeover.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code proxy} section: the client-facing HTTP/1.1 listener of every node. The whole section is optional.
 *
 * <pre>{@code
 * proxy:
 *   listen: 0.0.0.0:80
 *   header-timeout: 10s
 *   keepalive-timeout: 60s
 *   max-header-size: 16k
 *   max-uri-length: 8k
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param listen           key {@code proxy.listen}, default {@code 0.0.0.0:80}: the IPv4 address and port clients
 *                         connect to. The wildcard address accepts connections on the VIPs a node holds now and
 *                         on those it takes over later. Port 0 picks an ephemeral port (tests only).
 * @param headerTimeout    key {@code proxy.header-timeout}, default 10s: how long a client may take to send a
 *                         request's complete header block; when exceeded the proxy answers 408.
 * @param keepaliveTimeout key {@code proxy.keepalive-timeout}, default 60s: an idle keep-alive connection (no
 *                         request in flight) is closed after this long.
 * @param maxHeaderSize    key {@code proxy.max-header-size}, default 16k: the largest request header block
 *                         accepted; larger ones get 431. At most {@value Integer#MAX_VALUE} bytes.
 * @param maxUriLength     key {@code proxy.max-uri-length}, default 8k: the longest request target accepted;
 *                         longer ones get 414. At most {@value Integer#MAX_VALUE} bytes.
 */
public record ProxyConfig(Ipv4Endpoint listen, Duration headerTimeout, Duration keepaliveTimeout,
        ByteSize maxHeaderSize, ByteSize maxUriLength) {

    /** Default of {@code proxy.listen}. */
    public static final Ipv4Endpoint DEFAULT_LISTEN = new Ipv4Endpoint(Ipv4Address.ANY, 80);
    /** Default of {@code proxy.header-timeout}. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code proxy.keepalive-timeout}. */
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(60);
    /** Default of {@code proxy.max-header-size}. */
    public static final ByteSize DEFAULT_MAX_HEADER_SIZE = ByteSize.ofKib(16);
    /** Default of {@code proxy.max-uri-length}. */
    public static final ByteSize DEFAULT_MAX_URI_LENGTH = ByteSize.ofKib(8);

    /** The section with every key at its default. */
    public static final ProxyConfig DEFAULTS = new ProxyConfig(DEFAULT_LISTEN, DEFAULT_HEADER_TIMEOUT,
            DEFAULT_KEEPALIVE_TIMEOUT, DEFAULT_MAX_HEADER_SIZE, DEFAULT_MAX_URI_LENGTH);

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a timeout or size is not positive, or a size exceeds an {@code int}
     */
    public ProxyConfig {
        Objects.requireNonNull(listen, "listen");
        Config.requirePositive(headerTimeout, "headerTimeout");
        Config.requirePositive(keepaliveTimeout, "keepaliveTimeout");
        Config.requirePositive(maxHeaderSize, "maxHeaderSize").intBytes();
        Config.requirePositive(maxUriLength, "maxUriLength").intBytes();
    }
}
