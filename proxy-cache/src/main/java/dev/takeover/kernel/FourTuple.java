package dev.takeover.kernel;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One TCP connection seen from the server: the local side is the address the client connected to (the virtual IP),
 * the remote side is the client.
 *
 * @param localAddress  the server's address, usually the virtual IP
 * @param localPort     the server's port, 1 to 65535
 * @param remoteAddress the client's address
 * @param remotePort    the client's port, 1 to 65535
 */
public record FourTuple(Inet4Address localAddress, int localPort, Inet4Address remoteAddress, int remotePort) {

    /** @throws NullPointerException for a null address; {@link IllegalArgumentException} for a port out of range */
    public FourTuple {
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        requirePort(localPort, "localPort");
        requirePort(remotePort, "remotePort");
    }

    /**
     * The tuple of two resolved IPv4 socket addresses, e.g. a netty channel's {@code localAddress()} and
     * {@code remoteAddress()}.
     *
     * @throws IllegalArgumentException when either is unresolved or not IPv4
     */
    public static FourTuple of(InetSocketAddress local, InetSocketAddress remote) {
        return new FourTuple(ipv4(local, "local"), local.getPort(), ipv4(remote, "remote"), remote.getPort());
    }

    public InetSocketAddress local() {
        return new InetSocketAddress(localAddress, localPort);
    }

    public InetSocketAddress remote() {
        return new InetSocketAddress(remoteAddress, remotePort);
    }

    @Override
    public String toString() {
        return localAddress.getHostAddress() + ':' + localPort + "<->" + remoteAddress.getHostAddress() + ':'
                + remotePort;
    }

    private static Inet4Address ipv4(InetSocketAddress address, String side) {
        Objects.requireNonNull(address, side);
        if (!(address.getAddress() instanceof Inet4Address v4)) {
            throw new IllegalArgumentException(side + " address is not a resolved IPv4 address: " + address);
        }
        return v4;
    }

    private static void requirePort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be in [1, 65535], got " + port);
        }
    }
}
