package dev.takeover.checkpoint;

import java.net.Inet4Address;

/**
 * The IP layer of a checkpoint: the addresses and ports of the connection and the virtual IP it belongs to
 * (the local address <em>is</em> the virtual IP; it is what moves to the survivor).
 *
 * @param vip        the virtual IP the connection was accepted on
 * @param vipPort    the local port, 1..65535
 * @param client     the client's address
 * @param clientPort the client's port, 1..65535
 */
public record IpLayer(Inet4Address vip, int vipPort, Inet4Address client, int clientPort) implements LayerState {

    /**
     * @throws NullPointerException     if an address is {@code null}
     * @throws IllegalArgumentException if a port is outside 1..65535
     */
    public IpLayer {
        new ConnectionId(vip, vipPort, client, clientPort); // one place checks the 4-tuple
    }

    /** The IP layer of the connection {@code id}. */
    public static IpLayer of(ConnectionId id) {
        return new IpLayer(id.vip(), id.vipPort(), id.client(), id.clientPort());
    }

    /** The connection this layer describes. */
    public ConnectionId id() {
        return new ConnectionId(vip, vipPort, client, clientPort);
    }
}
