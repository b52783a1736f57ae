package dev.takeover.kernel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Announces that an IPv4 address now lives at this node's interface: a gratuitous ARP request (RFC 5227 "ARP
 * announcement": sender and target address both the claimed one) broadcast from the interface's MAC address, so
 * the neighbours' caches, the clients' among them, point at this node at once instead of after their entries expire.
 *
 * <p>One frame may be lost: callers send a few, spaced out (e.g. 3 at 50 ms). Ethernet interfaces only.
 * <b>Privilege:</b> CAP_NET_RAW. Stateless and thread-safe.
 */
public final class GratuitousArp {

    static final int FRAME_BYTES = 60; // the Ethernet minimum without the FCS: 42 bytes of ARP plus padding
    private static final int ARPHRD_ETHER = 1;
    private static final int IFREQ_BYTES = 40;
    private static final int IFNAMSIZ = 16;
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private GratuitousArp() {
    }

    /**
     * Broadcasts one announcement of {@code address} on {@code interfaceName}. The address need not be on the
     * interface yet, but the announcement is only true once it is.
     *
     * @throws KernelException {@code if_nametoindex} {@code ENODEV} for an unknown interface; {@code socket}
     *                         {@code EPERM} without CAP_NET_RAW; {@code sendto} {@code ENETDOWN} when it is down
     * @throws IOException     when the interface is not Ethernet (e.g. loopback)
     */
    public static void send(String interfaceName, Inet4Address address) throws IOException {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(address, "address");
        int index = Libc.ifNameToIndex(interfaceName);
        // protocol 0: a send-only socket, nothing is ever queued on it for reading
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            byte[] mac = hardwareAddress(fd, interfaceName, arena);
            MemorySegment frame = arena.allocateFrom(JAVA_BYTE, frame(mac, address));
            Libc.sendto(fd, frame, Libc.sockaddrLl(arena, Libc.ETH_P_ARP, index, BROADCAST));
        } catch (IOException | RuntimeException e) {
            Libc.closeAfterFailure(fd, e);
            throw e;
        }
        Libc.close(fd);
    }

    /** The interface's MAC address, from {@code SIOCGIFHWADDR}. */
    private static byte[] hardwareAddress(int fd, String interfaceName, Arena arena) throws IOException {
        byte[] name = interfaceName.getBytes(StandardCharsets.US_ASCII);
        if (name.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than " + (IFNAMSIZ - 1) + ": " + interfaceName);
        }
        MemorySegment ifreq = arena.allocate(IFREQ_BYTES);
        MemorySegment.copy(name, 0, ifreq, JAVA_BYTE, 0, name.length);
        Libc.ioctl(fd, Libc.SIOCGIFHWADDR, ifreq, "SIOCGIFHWADDR " + interfaceName);
        int family = Short.toUnsignedInt(ifreq.get(JAVA_SHORT, IFNAMSIZ)); // ifr_hwaddr.sa_family
        if (family != ARPHRD_ETHER) {
            throw new IOException(interfaceName + " is not an Ethernet interface (hardware type " + family + ")");
        }
        return ifreq.asSlice(IFNAMSIZ + 2, 6).toArray(JAVA_BYTE);
    }

    /**
     * The announcement frame: Ethernet header to broadcast, then ARP request (hardware Ethernet, protocol IPv4)
     * with sender = target = {@code address}, target hardware address zero, padded to 60 bytes.
     */
    static byte[] frame(byte[] mac, Inet4Address address) {
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + mac.length);
        }
        byte[] ip = address.getAddress();
        byte[] f = new byte[FRAME_BYTES];
        System.arraycopy(BROADCAST, 0, f, 0, 6);
        System.arraycopy(mac, 0, f, 6, 6);
        Bytes.putShort(f, 12, Libc.ETH_P_ARP);
        Bytes.putShort(f, 14, ARPHRD_ETHER);   // hardware type
        Bytes.putShort(f, 16, Libc.ETH_P_IP);  // protocol type
        f[18] = 6;                                // hardware address length
        f[19] = 4;                                // protocol address length
        Bytes.putShort(f, 20, 1);              // operation: request
        System.arraycopy(mac, 0, f, 22, 6);       // sender hardware address
        System.arraycopy(ip, 0, f, 28, 4);        // sender protocol address
        Arrays.fill(f, 32, 38, (byte) 0);         // target hardware address: unknown
        System.arraycopy(ip, 0, f, 38, 4);        // target protocol address = sender's
        return f;
    }
}
