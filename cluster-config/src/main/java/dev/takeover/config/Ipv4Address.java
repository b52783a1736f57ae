package dev.takeover.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address held as its 32 bits, parsed strictly from dotted-quad notation without name resolution.
 *
 * <p>Unlike {@link InetAddress#getByName}, {@link #parse} never performs a DNS lookup and rejects the legacy
 * short and octal forms ({@code 10.1}, {@code 010.0.0.1}) that are easy to misread in a config file.
 * Immutable and thread-safe.
 *
 * @param bits the address in network byte order packed into an {@code int} (first octet in the high byte)
 */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    /** {@code 0.0.0.0}, the wildcard address. */
    public static final Ipv4Address ANY = new Ipv4Address(0);

    /**
     * Parses {@code a.b.c.d} where each part is a decimal number 0..255 without leading zeros.
     *
     * @param text the address text, not null
     * @return the address
     * @throws IllegalArgumentException with a message fit for the user if {@code text} is not such an address
     */
    public static Ipv4Address parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw notAnAddress(text);
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw notAnAddress(text);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw notAnAddress(text);
            }
            bits = (bits << 8) | octet;
        }
        return new Ipv4Address(bits);
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("'" + text + "' is not an IPv4 address: expected four decimal"
                + " numbers 0..255 separated by dots, e.g. 198.18.0.11");
    }

    /** @return the four octets, first octet first */
    public byte[] octets() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    /** @return this address as a JDK address; no name service is consulted */
    public Inet4Address toInetAddress() {
        try {
            return (Inet4Address) InetAddress.getByAddress(octets());
        } catch (UnknownHostException e) {
            throw new AssertionError("four octets are always a valid IPv4 address", e);
        }
    }

    @Override
    public int compareTo(Ipv4Address other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    /** @return dotted-quad notation, e.g. {@code 198.18.0.11} */
    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
