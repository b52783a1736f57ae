package dev.takeover.checkpoint;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * The identity of a client connection: its TCP 4-tuple as seen from the proxy. The local side is always a virtual
 * IP (the address that moves between nodes), the remote side the client.
 *
 * <p>Two stable key forms serve stores: {@link #key()} (text, e.g. {@code 10.0.0.10:80-192.0.2.7:51234}) and
 * {@link #toBytes()} (12 bytes: VIP, VIP port, client, client port, big-endian). Both round-trip exactly through
 * {@link #parseKey} and {@link #fromBytes}.
 *
 * @param vip        the virtual IP the connection was accepted on
 * @param vipPort    the local port, 1..65535
 * @param client     the client's address
 * @param clientPort the client's port, 1..65535
 */
public record ConnectionId(Inet4Address vip, int vipPort, Inet4Address client, int clientPort) {

    /** Length of {@link #toBytes()}. */
    public static final int BYTES = 12;

    /**
     * @throws NullPointerException     if an address is {@code null}
     * @throws IllegalArgumentException if a port is outside 1..65535
     */
    public ConnectionId {
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(client, "client");
        checkPort("vipPort", vipPort);
        checkPort("clientPort", clientPort);
    }

    /** The connection {@code vip:vipPort <- client:clientPort}, addresses given as IPv4 literals. */
    public static ConnectionId of(String vip, int vipPort, String client, int clientPort) {
        return new ConnectionId(ipv4(vip), vipPort, ipv4(client), clientPort);
    }

    /** The text key: {@code vip:vipPort-client:clientPort}, e.g. {@code 10.0.0.10:80-192.0.2.7:51234}. */
    public String key() {
        return vip.getHostAddress() + ':' + vipPort + '-' + client.getHostAddress() + ':' + clientPort;
    }

    /**
     * Parses a {@link #key()}.
     *
     * @throws IllegalArgumentException if {@code key} is not in that form
     */
    public static ConnectionId parseKey(String key) {
        int dash = key.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("not a connection key (vip:port-client:port): " + key);
        }
        String local = key.substring(0, dash);
        String remote = key.substring(dash + 1);
        int lc = local.lastIndexOf(':');
        int rc = remote.lastIndexOf(':');
        if (lc < 0 || rc < 0) {
            throw new IllegalArgumentException("not a connection key (vip:port-client:port): " + key);
        }
        try {
            return of(local.substring(0, lc), Integer.parseInt(local.substring(lc + 1)),
                    remote.substring(0, rc), Integer.parseInt(remote.substring(rc + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a connection key (vip:port-client:port): " + key, e);
        }
    }

    /** The 12-byte key: VIP (4), VIP port (2), client (4), client port (2), network byte order. */
    public byte[] toBytes() {
        byte[] b = new byte[BYTES];
        System.arraycopy(vip.getAddress(), 0, b, 0, 4);
        b[4] = (byte) (vipPort >>> 8);
        b[5] = (byte) vipPort;
        System.arraycopy(client.getAddress(), 0, b, 6, 4);
        b[10] = (byte) (clientPort >>> 8);
        b[11] = (byte) clientPort;
        return b;
    }

    /**
     * Reads a {@link #toBytes()} form.
     *
     * @throws IllegalArgumentException if {@code bytes} is not 12 bytes long or holds a zero port
     */
    public static ConnectionId fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a connection id is " + BYTES + " bytes, got " + bytes.length);
        }
        return new ConnectionId(ipv4(bytes, 0), ((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff),
                ipv4(bytes, 6), ((bytes[10] & 0xff) << 8) | (bytes[11] & 0xff));
    }

    @Override
    public String toString() {
        return key();
    }

    /**
     * As a record's, written out: the write-behind queue looks a connection up at every response, and the record's
     * own (through {@code ObjectMethods}' method handles) showed in the event loops' samples.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ConnectionId other && vipPort == other.vipPort && clientPort == other.clientPort
                && client.equals(other.client) && vip.equals(other.vip);
    }

    @Override
    public int hashCode() {
        return ((vip.hashCode() * 31 + vipPort) * 31 + client.hashCode()) * 31 + clientPort;
    }

    /**
     * Parses an IPv4 literal (dotted quad) without any name lookup.
     *
     * @throws IllegalArgumentException if {@code literal} is not a dotted-quad IPv4 address
     */
    public static Inet4Address ipv4(String literal) {
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + literal);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: " + literal);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + literal);
            }
            b[i] = (byte) v;
        }
        return ipv4(b, 0);
    }

    static Inet4Address ipv4(byte[] bytes, int offset) {
        byte[] a = new byte[4];
        System.arraycopy(bytes, offset, a, 0, 4);
        try {
            return (Inet4Address) InetAddress.getByAddress(a); // a 4-byte array: no lookup, always IPv4
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always a valid IPv4 address", e);
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be in 1..65535: " + port);
        }
    }
}
