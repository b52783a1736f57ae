package dev.takeover.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpSnapshotTest {

    static final TcpOptions OPTIONS = new TcpOptions(true, true, true, 7, 7, 1460);

    static TcpSnapshot snapshot(long sendSeq, long recvSeq, int unread, int unacked) {
        return new TcpSnapshot(sendSeq, recvSeq, unread, unacked, OPTIONS, 1_000, 50_000);
    }

    static Stream<Arguments> positions() {
        return Stream.of(
                // sendSeq, recvSeq, unread, unacked -> readSeq, ackedSeq
                Arguments.of(1_000L, 2_000L, 0, 0, 2_000L, 1_000L),
                Arguments.of(1_000L, 2_000L, 10, 300, 1_990L, 700L),
                Arguments.of(5L, 3L, 10, 6, 0xfffffff9L, 0xffffffffL));
    }

    @ParameterizedTest
    @MethodSource("positions")
    void derivesReadAndAcknowledgedPositionsModulo2To32(long sendSeq, long recvSeq, int unread, int unacked,
                                                        long readSeq, long ackedSeq) {
        TcpSnapshot s = snapshot(sendSeq, recvSeq, unread, unacked);

        assertThat(s.readSeq()).isEqualTo(readSeq);
        assertThat(s.ackedSeq()).isEqualTo(ackedSeq);
    }

    @Test
    void initialSendPositionSubtractsWhatTheApplicationWrote() {
        TcpSnapshot s = snapshot(100, 0, 0, 0);

        assertThat(s.sendSeqBefore(0)).isEqualTo(100);
        assertThat(s.sendSeqBefore(101)).isEqualTo(0xffffffffL);
        assertThatThrownBy(() -> s.sendSeqBefore(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timestampAdvancesWithTheWallClockPlusMarginAndWraps() {
        TcpSnapshot s = new TcpSnapshot(0, 0, 0, 0, OPTIONS, 0xffffff00L, 50_000);

        assertThat(s.timestampAt(50_000, 0)).isEqualTo(0xffffff00L);
        assertThat(s.timestampAt(50_200, 100)).isEqualTo(0x0000002cL); // 0xffffff00 + 300 wraps
        // a wall clock that went backwards never moves the timestamp backwards
        assertThat(s.timestampAt(49_000, 10)).isEqualTo(0xffffff0aL);
        assertThatThrownBy(() -> s.timestampAt(50_000, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> invalid() {
        return Stream.<Supplier<TcpSnapshot>>of(
                () -> new TcpSnapshot(-1, 0, 0, 0, OPTIONS, 0, 0),
                () -> new TcpSnapshot(0, 1L << 32, 0, 0, OPTIONS, 0, 0),
                () -> new TcpSnapshot(0, 0, -1, 0, OPTIONS, 0, 0),
                () -> new TcpSnapshot(0, 0, 0, -1, OPTIONS, 0, 0),
                () -> new TcpSnapshot(0, 0, 0, 0, OPTIONS, 1L << 32, 0)).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsNumbersOutOfRange(Supplier<TcpSnapshot> construction) {
        assertThatThrownBy(construction::get).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNullOptions() {
        assertThatThrownBy(() -> new TcpSnapshot(0, 0, 0, 0, null, 0, 0))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("options");
    }
}
