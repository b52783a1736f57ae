package dev.takeover.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TcpCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    static Inet4Address ip(String literal) {
        try {
            return (Inet4Address) InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Vectors computed independently (Python, the probe's checksum function over the pseudo-header). */
    static Stream<Arguments> segments() {
        return Stream.of(
                Arguments.of("198.18.77.100", "198.18.77.2", new TcpHeader(8080, 40000, 0x12345678L, 0x9abcdef0L,
                        TcpHeader.ACK, 502), "1f909c40123456789abcdef0501001f6e9280000"),
                Arguments.of("127.0.0.1", "127.0.0.1", new TcpHeader(1, 65535, 0, 0xffffffffL,
                        TcpHeader.ACK | TcpHeader.RST, 0), "0001ffff00000000ffffffff50140000b1cd0000"),
                Arguments.of("10.0.0.1", "192.168.1.200", new TcpHeader(443, 51515, 0xfffffffeL, 1,
                        TcpHeader.ACK | TcpHeader.PSH, 65535), "01bbc93bfffffffe000000015018ffff18650000"));
    }

    @ParameterizedTest
    @MethodSource("segments")
    void encodesTheHeaderWithTheChecksumOverThePseudoHeader(String source, String destination, TcpHeader header,
                                                             String expectedHex) {
        byte[] segment = TcpCodec.encode(ip(source), ip(destination), header);

        assertThat(HEX.formatHex(segment)).isEqualTo(expectedHex);
        // a receiver sums the segment including its checksum: a correct one gives 0
        assertThat(TcpCodec.tcpChecksum(Bytes.ipv4(ip(source)), Bytes.ipv4(ip(destination)), segment)).isZero();
    }

    @ParameterizedTest
    @MethodSource("segments")
    void aCorruptedSegmentFailsVerification(String source, String destination, TcpHeader header, String ignored) {
        byte[] segment = TcpCodec.encode(ip(source), ip(destination), header);
        segment[5] ^= 0x01;

        assertThat(TcpCodec.tcpChecksum(Bytes.ipv4(ip(source)), Bytes.ipv4(ip(destination)), segment)).isNotZero();
    }

    @Test
    void internetChecksumMatchesRfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement); the checksum is its complement
        byte[] data = HEX.parseHex("0001f203f4f5f6f7");

        assertThat(TcpCodec.internetChecksum(data, 0, data.length)).isEqualTo(0x220d);
    }

    @Test
    void internetChecksumPadsAnOddLengthWithZero() {
        byte[] odd = HEX.parseHex("0001f203f4f5f6f7ab");
        byte[] padded = HEX.parseHex("0001f203f4f5f6f7ab00");

        assertThat(TcpCodec.internetChecksum(odd, 0, odd.length))
                .isEqualTo(TcpCodec.internetChecksum(padded, 0, padded.length));
    }

    /** An IPv4 header (no options unless {@code ihlWords} > 5) followed by {@code tcp}. */
    static byte[] ipv4Packet(String source, String destination, int protocol, int ihlWords, int fragmentOffset,
                             byte[] tcp) {
        int ihl = ihlWords * 4;
        byte[] packet = new byte[ihl + tcp.length];
        packet[0] = (byte) (0x40 | ihlWords);
        Bytes.putShort(packet, 2, packet.length);
        Bytes.putShort(packet, 6, fragmentOffset);
        packet[8] = 64;
        packet[9] = (byte) protocol;
        Bytes.putInt(packet, 12, Bytes.ipv4(ip(source)));
        Bytes.putInt(packet, 16, Bytes.ipv4(ip(destination)));
        Bytes.putShort(packet, 10, TcpCodec.internetChecksum(packet, 0, ihl));
        System.arraycopy(tcp, 0, packet, ihl, tcp.length);
        return packet;
    }

    @ParameterizedTest
    @MethodSource("segments")
    void decodesWhatItEncodes(String source, String destination, TcpHeader header, String ignored) {
        byte[] packet = ipv4Packet(source, destination, 6, 5, 0, TcpCodec.encode(ip(source), ip(destination), header));

        TcpCodec.Ipv4Tcp decoded = TcpCodec.decodeIpv4(packet, packet.length);

        assertThat(decoded).isEqualTo(new TcpCodec.Ipv4Tcp(Bytes.ipv4(ip(source)), Bytes.ipv4(ip(destination)),
                header));
    }

    @Test
    void decodesPastIpOptions() {
        TcpHeader header = new TcpHeader(40000, 8080, 7, 9, TcpHeader.ACK, 100);
        byte[] packet = ipv4Packet("198.18.77.2", "198.18.77.100", 6, 8, 0,
                TcpCodec.encode(ip("198.18.77.2"), ip("198.18.77.100"), header));

        assertThat(TcpCodec.decodeIpv4(packet, packet.length).header()).isEqualTo(header);
    }

    static Stream<Arguments> notDecodable() {
        byte[] tcp = TcpCodec.encode(ip("198.18.77.2"), ip("198.18.77.100"),
                new TcpHeader(40000, 8080, 7, 9, TcpHeader.ACK, 100));
        byte[] good = ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5, 0, tcp);
        byte[] ipv6 = good.clone();
        ipv6[0] = 0x65;
        byte[] badIhl = good.clone();
        badIhl[0] = 0x44;
        return Stream.of(
                Arguments.of("UDP", ipv4Packet("198.18.77.2", "198.18.77.100", 17, 5, 0, tcp), good.length),
                Arguments.of("later fragment", ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5, 0x0010, tcp),
                        good.length),
                Arguments.of("not IPv4", ipv6, good.length),
                Arguments.of("header length below 20", badIhl, good.length),
                Arguments.of("TCP header cut short", good, good.length - 1),
                Arguments.of("IP header cut short", good, 19));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notDecodable")
    void ignoresWhatIsNotACompleteTcpHeader(String what, byte[] packet, int length) {
        assertThat(TcpCodec.decodeIpv4(packet, length)).isNull();
    }

    @Test
    void aFirstFragmentWithMoreFragmentsStillDecodes() {
        byte[] tcp = TcpCodec.encode(ip("198.18.77.2"), ip("198.18.77.100"),
                new TcpHeader(40000, 8080, 7, 9, TcpHeader.ACK, 100));
        byte[] packet = ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5, 0x2000, tcp); // MF set, offset 0

        assertThat(TcpCodec.decodeIpv4(packet, packet.length)).isNotNull();
    }
}
