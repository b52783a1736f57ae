package dev.takeover.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RebuildSpecTest {

    static final FourTuple CONNECTION = new FourTuple(ip("198.18.77.100"), 8080, ip("198.18.77.2"), 40000);
    static final TcpOptions ALL = new TcpOptions(true, true, true, 7, 9, 1460);
    static final TcpOptions NONE = new TcpOptions(false, false, false, 0, 0, 536);

    @Test
    void afterReplySendsFromTheClientsAckAndReceivesFromItsSeq() {
        TcpHeader reply = new TcpHeader(40000, 8080, 555, 0xfffffff0L, TcpHeader.ACK, 1234);

        RebuildSpec spec = RebuildSpec.afterReply(CONNECTION, ALL, reply, 42);

        assertThat(spec).isEqualTo(new RebuildSpec(CONNECTION, 0xfffffff0L, 555, ALL, 42, 1234, false));
        assertThat(spec.withFreebind(true).freebind()).isTrue();
        assertThat(spec.sendWindow()).isEqualTo(1234L << 7);
        assertThat(spec.receiveWindow()).isEqualTo(0xffffL << 9);
    }

    @Test
    void windowsAreUnscaledWithoutWindowScaling() {
        RebuildSpec spec = new RebuildSpec(CONNECTION, 1, 2, NONE, 0, 1234, false);

        assertThat(spec.sendWindow()).isEqualTo(1234);
        assertThat(spec.receiveWindow()).isEqualTo(0xffff);
    }

    static Stream<Arguments> unusableReplies() {
        return Stream.of(
                Arguments.of(new TcpHeader(40000, 8080, 1, 2, TcpHeader.RST | TcpHeader.ACK, 0)),
                Arguments.of(new TcpHeader(40000, 8080, 1, 2, TcpHeader.RST, 0)),
                Arguments.of(new TcpHeader(40000, 8080, 1, 2, TcpHeader.SYN, 0)));
    }

    @ParameterizedTest
    @MethodSource("unusableReplies")
    void afterReplyRejectsAResetOrAnUnacknowledgingSegment(TcpHeader reply) {
        assertThatThrownBy(() -> RebuildSpec.afterReply(CONNECTION, ALL, reply, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flags were 0x");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of((Supplier<RebuildSpec>) () -> new RebuildSpec(CONNECTION, -1, 0, ALL, 0, 0, false),
                        "sendSeq"),
                Arguments.of((Supplier<RebuildSpec>) () -> new RebuildSpec(CONNECTION, 0, 1L << 32, ALL, 0, 0, false),
                        "recvSeq"),
                Arguments.of((Supplier<RebuildSpec>) () -> new RebuildSpec(CONNECTION, 0, 0, ALL, -5, 0, false),
                        "timestamp"),
                Arguments.of((Supplier<RebuildSpec>) () -> new RebuildSpec(CONNECTION, 0, 0, ALL, 0, 65536, false),
                        "peerWindow"),
                Arguments.of((Supplier<RebuildSpec>) () -> new RebuildSpec(CONNECTION, 0, 0, ALL, 0, -1, false),
                        "peerWindow"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNumbersOutOfRange(Supplier<RebuildSpec> construction, String field) {
        assertThatThrownBy(construction::get).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void rejectsNullParts() {
        assertThatThrownBy(() -> new RebuildSpec(null, 0, 0, ALL, 0, 0, false)).hasMessageContaining("connection");
        assertThatThrownBy(() -> new RebuildSpec(CONNECTION, 0, 0, null, 0, 0, false)).hasMessageContaining("options");
    }

    static Stream<Arguments> repairOptions() {
        return Stream.of(
                Arguments.of(ALL, new int[] {2, 1460, 3, 7 | 9 << 16, 4, 0, 8, 0}),
                Arguments.of(NONE, new int[] {2, 536}),
                Arguments.of(new TcpOptions(true, false, false, 0, 0, 1448), new int[] {2, 1448, 8, 0}),
                Arguments.of(new TcpOptions(false, true, true, 0, 14, 9000), new int[] {2, 9000, 3, 14 << 16, 4, 0}));
    }

    @ParameterizedTest
    @MethodSource("repairOptions")
    void repairOptionsCarryOnlyTheNegotiatedOnes(TcpOptions options, int[] expectedPairs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = TcpRepair.repairOptions(arena, options);

            assertThat(opts.toArray(JAVA_INT)).containsExactly(expectedPairs);
        }
    }

    @Test
    void repairWindowTakesTheClientsWindowAndSequence() {
        RebuildSpec spec = new RebuildSpec(CONNECTION, 1, 0xfffffffeL, ALL, 0, 100, false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment window = TcpRepair.repairWindow(arena, spec);

            // snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup
            assertThat(window.toArray(JAVA_INT)).containsExactly(
                    (int) 0xfffffffeL, 100 << 7, 100 << 7, 0xffff << 9, (int) 0xfffffffeL);
        }
    }
}
