package dev.takeover.kernel;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds, removes and lists the IPv4 addresses of a network interface, in this process's network namespace. Claiming
 * a virtual IP is {@link #add}; giving it back is {@link #remove}. Both are idempotent, so a retried takeover or
 * cleanup does not fail on its own earlier success, and both are one rtnetlink request each (a takeover claims its
 * address on the critical path, where starting a process costs tens of milliseconds on a loaded machine); listing,
 * done at start, runs {@code ip} (iproute2).
 *
 * <p><b>Privilege:</b> CAP_NET_ADMIN (listing needs none). Thread-safe. Errors are {@link IOException}s: a
 * {@link KernelException} naming the request and its {@code errno} for {@link #add} and {@link #remove} (an unknown
 * interface is {@code if_nametoindex(NAME)} {@code ENODEV}, a missing privilege {@code EPERM}); for {@link #list},
 * the command, its exit status and iproute2's message.
 */
public final class InterfaceAddresses {

    /** An IPv4 address with its prefix length, as in {@code 198.18.77.100/24}. */
    public record Assigned(Inet4Address address, int prefixLength) {

        /** @throws IllegalArgumentException for a prefix length outside 0..32 */
        public Assigned {
            Objects.requireNonNull(address, "address");
            if (prefixLength < 0 || prefixLength > 32) {
                throw new IllegalArgumentException("prefixLength must be in [0, 32], got " + prefixLength);
            }
        }

        @Override
        public String toString() {
            return address.getHostAddress() + '/' + prefixLength;
        }
    }

    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.@:][A-Za-z0-9_.@:-]{0,14}");
    private static final Pattern INET = Pattern.compile("\\binet (\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    /** {@code ip} from the {@code PATH}, for {@link #list}, in this process's network namespace. */
    private final ExternalCommand command = ExternalCommand.direct();

    /**
     * Puts {@code address/prefixLength} on {@code interfaceName}; nothing happens when it is already there.
     *
     * @throws KernelException when the interface is unknown or the kernel refuses the address
     */
    public void add(String interfaceName, Inet4Address address, int prefixLength) throws IOException {
        Assigned assigned = new Assigned(address, prefixLength);
        AddressNetlink.add(Libc.ifNameToIndex(checkName(interfaceName)), assigned.address(), assigned.prefixLength());
    }

    /**
     * Takes {@code address/prefixLength} off {@code interfaceName}; nothing happens when it is not there.
     *
     * @throws KernelException when the interface is unknown or the kernel refuses for another reason
     */
    public void remove(String interfaceName, Inet4Address address, int prefixLength) throws IOException {
        Assigned assigned = new Assigned(address, prefixLength);
        AddressNetlink.remove(Libc.ifNameToIndex(checkName(interfaceName)), assigned.address(), assigned.prefixLength());
    }

    /**
     * The IPv4 addresses on {@code interfaceName}, in the kernel's order (primary first).
     *
     * @throws IOException when {@code ip} fails (e.g. no such interface) or cannot run
     */
    public List<Assigned> list(String interfaceName) throws IOException {
        ExternalCommand.Result result = command.run(null, "ip", "-4", "-o", "addr", "show", "dev",
                checkName(interfaceName));
        if (!result.ok()) {
            throw result.failure();
        }
        return parse(result.stdout());
    }

    /** Reads the {@code inet A.B.C.D/N} entries of {@code ip -4 -o addr show} output. */
    static List<Assigned> parse(String ipOutput) {
        List<Assigned> addresses = new ArrayList<>();
        Matcher m = INET.matcher(ipOutput);
        while (m.find()) {
            try {
                byte[] octets = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(m.group(i + 1));
                    if (octet > 255) {
                        throw new IllegalArgumentException("octet " + octet);
                    }
                    octets[i] = (byte) octet;
                }
                addresses.add(new Assigned((Inet4Address) InetAddress.getByAddress(octets),
                        Integer.parseInt(m.group(5))));
            } catch (UnknownHostException | RuntimeException e) {
                throw new IllegalArgumentException("unreadable address in ip output: " + m.group(), e);
            }
        }
        return List.copyOf(addresses);
    }

    static String checkName(String interfaceName) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (!INTERFACE_NAME.matcher(interfaceName).matches()) {
            throw new IllegalArgumentException("not an interface name: '" + interfaceName + "'");
        }
        return interfaceName;
    }
}
