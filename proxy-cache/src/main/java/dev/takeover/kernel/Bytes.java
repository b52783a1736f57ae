package dev.takeover.kernel;

import java.net.Inet4Address;

/** Big-endian (network order) field access in byte arrays, for the packets this package builds and reads. */
final class Bytes {

    private Bytes() {
    }

    static void putShort(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    static void putInt(byte[] b, int at, int value) {
        putShort(b, at, value >>> 16);
        putShort(b, at + 2, value);
    }

    static int getShort(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static int getInt(byte[] b, int at) {
        return getShort(b, at) << 16 | getShort(b, at + 2);
    }

    /** The address as a big-endian int, as in an IPv4 header. */
    static int ipv4(Inet4Address address) {
        return getInt(address.getAddress(), 0);
    }
}
