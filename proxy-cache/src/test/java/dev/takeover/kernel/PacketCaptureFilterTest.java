package dev.takeover.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static dev.takeover.kernel.TcpCodecTest.ipv4Packet;
import static org.assertj.core.api.Assertions.assertThat;

/** The capture's socket filter, run by a test interpreter over crafted packets. */
class PacketCaptureFilterTest {

    private static final int HOST = 0;
    private static final int OTHERHOST = 3;
    private static final int OUTGOING = 4;

    private static byte[] tcp(int sourcePort, int destinationPort) {
        return TcpCodec.encode(ip("198.18.77.2"), ip("198.18.77.100"),
                new TcpHeader(sourcePort, destinationPort, 1, 2, TcpHeader.ACK, 100));
    }

    static Stream<Arguments> packets() {
        byte[] toVip = ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5, 0, tcp(40000, 8080));
        return Stream.of(
                Arguments.of("segment for the address and port", toVip, HOST, 8080, 128),
                Arguments.of("same, any port", toVip, HOST, 0, 128),
                Arguments.of("same, with IP options", ipv4Packet("198.18.77.2", "198.18.77.100", 6, 7, 0,
                        tcp(40000, 8080)), HOST, 8080, 128),
                Arguments.of("first fragment (more fragments set)", ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5,
                        0x2000, tcp(40000, 8080)), HOST, 8080, 128),
                Arguments.of("another port", ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5, 0, tcp(40000, 8081)),
                        HOST, 8080, 0),
                Arguments.of("the port as source only", ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5, 0,
                        tcp(8080, 40000)), HOST, 8080, 0),
                Arguments.of("another address", ipv4Packet("198.18.77.2", "198.18.77.101", 6, 5, 0, tcp(40000, 8080)),
                        HOST, 0, 0),
                Arguments.of("from the address", ipv4Packet("198.18.77.100", "198.18.77.2", 6, 5, 0,
                        tcp(8080, 40000)), HOST, 0, 0),
                Arguments.of("UDP", ipv4Packet("198.18.77.2", "198.18.77.100", 17, 5, 0, tcp(40000, 8080)), HOST,
                        8080, 0),
                Arguments.of("later fragment", ipv4Packet("198.18.77.2", "198.18.77.100", 6, 5, 0x0003,
                        tcp(40000, 8080)), HOST, 0, 0),
                Arguments.of("outgoing copy", toVip, OUTGOING, 8080, 0),
                Arguments.of("flooded frame for another MAC", toVip, OTHERHOST, 8080, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void keepsOnlyTcpSentToThisHostForTheAddressAndPort(String what, byte[] packet, int packetType, int port, int verdict) {
        long[] filter = PacketCapture.filter(ip("198.18.77.100"), port);

        assertThat(ClassicBpf.run(filter, packet, packetType)).isEqualTo(verdict);
    }
}
