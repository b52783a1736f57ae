package dev.takeover.kernel;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * Builds the one kind of TCP segment a takeover sends (a 20-byte header, no options, no payload) and reads the
 * header fields out of received IPv4 packets. Pure functions over byte arrays; safe for concurrent use.
 */
final class TcpCodec {

    static final int TCP_HEADER_BYTES = 20;
    private static final int PROTO_TCP = 6;

    /** Source and destination of a received IPv4 TCP packet (addresses as big-endian ints) and its header. */
    record Ipv4Tcp(int source, int destination, TcpHeader header) {
    }

    private TcpCodec() {
    }

    /**
     * A TCP header from {@code source} to {@code destination} with the checksum over the RFC 9293 pseudo-header
     * filled in, ready for a raw IPv4 socket (which adds the IP header but never the TCP checksum).
     */
    static byte[] encode(Inet4Address source, Inet4Address destination, TcpHeader header) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        byte[] segment = new byte[TCP_HEADER_BYTES];
        Bytes.putShort(segment, 0, header.sourcePort());
        Bytes.putShort(segment, 2, header.destinationPort());
        Bytes.putInt(segment, 4, (int) header.seq());
        Bytes.putInt(segment, 8, (int) header.ack());
        segment[12] = (byte) ((TCP_HEADER_BYTES / 4) << 4);
        segment[13] = (byte) header.flags();
        Bytes.putShort(segment, 14, header.window());
        Bytes.putShort(segment, 16, tcpChecksum(Bytes.ipv4(source), Bytes.ipv4(destination), segment));
        return segment;
    }

    /**
     * The TCP checksum of {@code segment} (its checksum field must hold 0, or hold the sent value to verify: a
     * correct segment then yields 0).
     */
    static int tcpChecksum(int source, int destination, byte[] segment) {
        long sum = (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff)
                + PROTO_TCP + segment.length;
        return finish(sum + sumWords(segment, 0, segment.length));
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes from {@code offset}. */
    static int internetChecksum(byte[] data, int offset, int length) {
        return finish(sumWords(data, offset, length));
    }

    private static long sumWords(byte[] data, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            sum += (data[i] & 0xff) << 8 | (data[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (data[i] & 0xff) << 8; // odd length: pad with a zero byte
        }
        return sum;
    }

    private static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /**
     * Reads an IPv4 packet starting at its IP header ({@code length} bytes valid, possibly truncated after the TCP
     * header). Returns null for anything but the first fragment of a TCP packet with complete headers. The TCP
     * checksum is not verified: with checksum offload a captured packet may carry only a partial one.
     */
    static Ipv4Tcp decodeIpv4(byte[] packet, int length) {
        if (length < 20 || (packet[0] & 0xf0) != 0x40) {
            return null;
        }
        int ihl = (packet[0] & 0x0f) * 4;
        int fragmentOffset = Bytes.getShort(packet, 6) & 0x1fff;
        if (ihl < 20 || packet[9] != PROTO_TCP || fragmentOffset != 0 || length < ihl + TCP_HEADER_BYTES) {
            return null;
        }
        int t = ihl;
        TcpHeader header = new TcpHeader(Bytes.getShort(packet, t), Bytes.getShort(packet, t + 2),
                Seq.fromInt(Bytes.getInt(packet, t + 4)), Seq.fromInt(Bytes.getInt(packet, t + 8)), packet[t + 13] & 0xff,
                Bytes.getShort(packet, t + 14));
        return new Ipv4Tcp(Bytes.getInt(packet, 12), Bytes.getInt(packet, 16), header);
    }
}
