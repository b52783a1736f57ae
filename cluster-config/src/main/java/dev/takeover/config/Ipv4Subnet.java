package dev.takeover.config;

/**
 * An IPv4 subnet in CIDR form, such as {@code 198.18.0.0/24}. Immutable and thread-safe.
 *
 * @param network the network address; its host bits are zero
 * @param prefix  the prefix length, 0..32
 */
public record Ipv4Subnet(Ipv4Address network, int prefix) {

    /**
     * @throws IllegalArgumentException if {@code prefix} is outside 0..32 or {@code network} has host bits set
     */
    public Ipv4Subnet {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix must be 0..32: " + prefix);
        }
        if ((network.bits() & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException(network + " has host bits set for /" + prefix);
        }
    }

    /**
     * @param address any address inside the subnet
     * @param prefix  the prefix length, 0..32
     * @return the subnet of length {@code prefix} that contains {@code address}
     */
    public static Ipv4Subnet containing(Ipv4Address address, int prefix) {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix must be 0..32: " + prefix);
        }
        return new Ipv4Subnet(new Ipv4Address(address.bits() & mask(prefix)), prefix);
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** @return whether {@code address} lies inside this subnet */
    public boolean contains(Ipv4Address address) {
        return (address.bits() & mask(prefix)) == network.bits();
    }

    /** @return the highest address of the subnet (the directed broadcast address when prefix &le; 30) */
    public Ipv4Address broadcast() {
        return new Ipv4Address(network.bits() | ~mask(prefix));
    }

    /**
     * @return whether {@code address} can be assigned to a host: inside the subnet and, for prefixes up to 30,
     *         neither the network nor the broadcast address (/31 and /32 have no such reserved addresses)
     */
    public boolean isHostAddress(Ipv4Address address) {
        if (!contains(address)) {
            return false;
        }
        return prefix > 30 || (!address.equals(network) && !address.equals(broadcast()));
    }

    /** @return CIDR notation, e.g. {@code 198.18.0.0/24} */
    @Override
    public String toString() {
        return network + "/" + prefix;
    }
}
