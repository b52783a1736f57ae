package dev.takeover.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpOptionsTest {

    static Stream<Arguments> tcpInfo() {
        return Stream.of(
                // tcpi_options, packed byte 6 (rcv << 4 | snd), mss -> expected
                Arguments.of(7, 0x79, 1460, new TcpOptions(true, true, true, 9, 7, 1460)),
                Arguments.of(1, 0x79, 1460, new TcpOptions(true, false, false, 0, 0, 1460)),
                Arguments.of(2, 0, 536, new TcpOptions(false, true, false, 0, 0, 536)),
                Arguments.of(4 | 8 | 16, 0xe0, 65483, new TcpOptions(false, false, true, 0, 14, 65483)),
                Arguments.of(0, 0, 1, new TcpOptions(false, false, false, 0, 0, 1)));
    }

    @ParameterizedTest
    @MethodSource("tcpInfo")
    void decodesTcpInfoOptionsAndPackedScales(int options, int packed, int mss, TcpOptions expected) {
        assertThat(TcpOptions.fromTcpInfo(options, packed, mss)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(true, 15, 0, 1460, "sendWindowScale"),
                Arguments.of(true, 0, -1, 1460, "receiveWindowScale"),
                Arguments.of(false, 7, 0, 1460, "window scaling is off"),
                Arguments.of(true, 7, 7, 0, "mss"),
                Arguments.of(true, 7, 7, 65536, "mss"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsImpossibleOptions(boolean scaling, int snd, int rcv, int mss, String message) {
        assertThatThrownBy(() -> new TcpOptions(true, true, scaling, snd, rcv, mss))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
