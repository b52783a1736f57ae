package dev.takeover.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An IPv4 address and a TCP port, written {@code 0.0.0.0:80} in the cluster file. Immutable and thread-safe.
 *
 * @param address the address; {@link Ipv4Address#ANY} means every local address
 * @param port    the port, 0..65535; 0 asks the operating system for an ephemeral port (useful in tests)
 */
public record Ipv4Endpoint(Ipv4Address address, int port) {

    /**
     * @throws NullPointerException     if {@code address} is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535
     */
    public Ipv4Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
    }

    /**
     * Parses {@code a.b.c.d:port}.
     *
     * @param text the endpoint text, not null
     * @return the endpoint
     * @throws IllegalArgumentException with a message fit for the user if {@code text} is malformed
     */
    public static Ipv4Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not an address:port pair, e.g. 0.0.0.0:80");
        }
        Ipv4Address address = Ipv4Address.parse(text.substring(0, colon));
        String portText = text.substring(colon + 1);
        int port;
        try {
            port = portText.chars().allMatch(c -> c >= '0' && c <= '9') ? Integer.parseInt(portText) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + portText + "' is not a port: expected 0..65535");
        }
        return new Ipv4Endpoint(address, port);
    }

    /** @return this endpoint as a JDK socket address; no name service is consulted */
    public InetSocketAddress toInetSocketAddress() {
        return new InetSocketAddress(address.toInetAddress(), port);
    }

    /** @return {@code address:port}, e.g. {@code 0.0.0.0:80} */
    @Override
    public String toString() {
        return address + ":" + port;
    }
}
