package dev.takeover.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The value records of the package: four-tuple and TCP header. */
class FourTupleTest {

    @Test
    void buildsFromSocketAddressesAndPrintsBothSides() {
        FourTuple t = FourTuple.of(new InetSocketAddress(ip("198.18.77.100"), 8080),
                new InetSocketAddress(ip("198.18.77.2"), 40000));

        assertThat(t).isEqualTo(new FourTuple(ip("198.18.77.100"), 8080, ip("198.18.77.2"), 40000));
        assertThat(t.local()).isEqualTo(new InetSocketAddress(ip("198.18.77.100"), 8080));
        assertThat(t.remote()).isEqualTo(new InetSocketAddress(ip("198.18.77.2"), 40000));
        assertThat(t).hasToString("198.18.77.100:8080<->198.18.77.2:40000");
    }

    static Stream<Arguments> invalidTuples() {
        return Stream.of(
                Arguments.of((Supplier<?>) () -> new FourTuple(ip("10.0.0.1"), 0, ip("10.0.0.2"), 1), "localPort"),
                Arguments.of((Supplier<?>) () -> new FourTuple(ip("10.0.0.1"), 1, ip("10.0.0.2"), 65536), "remotePort"),
                Arguments.of((Supplier<?>) () -> FourTuple.of(InetSocketAddress.createUnresolved("x", 1),
                        new InetSocketAddress(ip("10.0.0.2"), 1)), "not a resolved IPv4"),
                Arguments.of((Supplier<?>) () -> FourTuple.of(new InetSocketAddress("::1", 1),
                        new InetSocketAddress(ip("10.0.0.2"), 1)), "not a resolved IPv4"),
                Arguments.of((Supplier<?>) () -> new TcpHeader(-1, 1, 0, 0, 0, 0), "sourcePort"),
                Arguments.of((Supplier<?>) () -> new TcpHeader(1, 65536, 0, 0, 0, 0), "destinationPort"),
                Arguments.of((Supplier<?>) () -> new TcpHeader(1, 1, 1L << 32, 0, 0, 0), "seq"),
                Arguments.of((Supplier<?>) () -> new TcpHeader(1, 1, 0, -1, 0, 0), "ack"),
                Arguments.of((Supplier<?>) () -> new TcpHeader(1, 1, 0, 0, 256, 0), "flags"),
                Arguments.of((Supplier<?>) () -> new TcpHeader(1, 1, 0, 0, 0, 70000), "window"));
    }

    @ParameterizedTest
    @MethodSource("invalidTuples")
    void rejectsFieldsOutOfRange(Supplier<?> construction, String message) {
        assertThatThrownBy(construction::get).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void headerFlagTestRequiresEveryBit() {
        TcpHeader h = new TcpHeader(1, 2, 0, 0, TcpHeader.ACK | TcpHeader.PSH, 0);

        assertThat(h.has(TcpHeader.ACK)).isTrue();
        assertThat(h.has(TcpHeader.ACK | TcpHeader.PSH)).isTrue();
        assertThat(h.has(TcpHeader.ACK | TcpHeader.RST)).isFalse();
    }
}
