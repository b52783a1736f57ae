package dev.takeover.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.HttpVersion;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.checkpoint.SeqNum;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.TcpHeader;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How a client's answer to the old-sequence ACK is read against the checkpoint, sequence wrap included. */
class OldSequenceProbeTest {
    private static final ConnectionId ID = ConnectionId.of("198.18.0.101", 80, "198.18.0.3", 40000);

    /** A checkpoint mid-response: request ended at receive byte 120, response started at send byte 5000. */
    private static ConnectionCheckpoint responding(int sendStart, int recvStart, long acked) {
        return responding(sendStart, recvStart, acked, 7, 120, 5000);
    }

    private static ConnectionCheckpoint responding(int sendStart, int recvStart, long acked, long version,
                                                   long requestEnd, long responseStart) {
        TcpLayer tcp = new TcpLayer(sendStart, recvStart, 1448, true, 7, 7, true, true, 42, 1_000L, acked);
        HttpLayer.Responding r = new HttpLayer.Responding(requestEnd, responseStart,
                "HTTP/1.1 200 OK\r\n\r\n".getBytes(), "GET", "/x", HttpVersion.HTTP_1_1, "\"e\"", -1, -1, -1,
                1_000_000, false, true, -1);
        return new ConnectionCheckpoint("n2", version, 1_000L, IpLayer.of(ID), tcp, r);
    }

    private static TcpHeader reply(long seq, long ack, int flags) {
        return new TcpHeader(40000, 80, seq & 0xffffffffL, ack & 0xffffffffL, flags, 500);
    }

    static Stream<Arguments> starts() {
        // Ordinary numbers, and starts just below 2^32 so every position wraps.
        return Stream.of(Arguments.of(1000, 2000), Arguments.of(-100, -50), Arguments.of(Integer.MAX_VALUE, Integer.MIN_VALUE));
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aClientThatSentNothingMoreIsSynchronizedAtItsAcknowledgment(int sendStart, int recvStart) {
        ConnectionCheckpoint c = responding(sendStart, recvStart, -1);
        long clientAck = SeqNum.toUnsigned(SeqNum.add(sendStart, 5000 + 300_000));
        ProbeOutcome o = OldSequenceProbe.classify(c, reply(SeqNum.toUnsigned(SeqNum.add(recvStart, 120)), clientAck, TcpHeader.ACK));
        assertThat(o).isInstanceOfSatisfying(ProbeOutcome.Synchronized.class, s -> {
            assertThat(s.sendPosition()).isEqualTo(305_000);
            assertThat(s.receivePosition()).isEqualTo(120);
            assertThat(s.unrecordedBytes()).isZero();
        });
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aClientThatSentBytesNobodyRecordedResumesAtTheCheckpointAwaitingThemAgain(int sendStart, int recvStart) {
        ConnectionCheckpoint c = responding(sendStart, recvStart, -1);
        ProbeOutcome o = OldSequenceProbe.classify(c, reply(SeqNum.toUnsigned(SeqNum.add(recvStart, 120 + 37)),
                SeqNum.toUnsigned(SeqNum.add(sendStart, 5000)), TcpHeader.ACK));
        assertThat(o).isInstanceOfSatisfying(ProbeOutcome.Synchronized.class, s -> {
            assertThat(s.receivePosition()).as("receiving resumes where the checkpoint vouches for").isEqualTo(120);
            assertThat(s.unrecordedBytes()).isEqualTo(37);
            assertThat(s.sendPosition()).isEqualTo(5000);
        });
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aClientBehindTheCheckpointedReceivePositionIsReset(int sendStart, int recvStart) {
        ConnectionCheckpoint c = responding(sendStart, recvStart, -1);
        ProbeOutcome o = OldSequenceProbe.classify(c, reply(SeqNum.toUnsigned(SeqNum.add(recvStart, 100)),
                SeqNum.toUnsigned(SeqNum.add(sendStart, 5000)), TcpHeader.ACK));
        assertThat(o).isInstanceOfSatisfying(ProbeOutcome.Behind.class, b -> assertThat(b.missingBytes()).isEqualTo(20));
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aResetAnswerMeansTheClientIsGone(int sendStart, int recvStart) {
        assertThat(OldSequenceProbe.classify(responding(sendStart, recvStart, -1), reply(0, 0, TcpHeader.RST)))
                .isInstanceOf(ProbeOutcome.ClientReset.class);
    }

    @ParameterizedTest
    @MethodSource("starts")
    void theProbeSequenceIsOneTheClientHasAlreadyReceived(int sendStart, int recvStart) {
        assertThat(OldSequenceProbe.probeSeq(responding(sendStart, recvStart, -1)))
                .isEqualTo(SeqNum.toUnsigned(sendStart - 1));
        assertThat(OldSequenceProbe.probeSeq(responding(sendStart, recvStart, 4_000_000_000L)))
                .as("just below the last acknowledged byte, across the wrap")
                .isEqualTo(SeqNum.toUnsigned(SeqNum.add(sendStart, 4_000_000_000L - 1)));
    }

    @ParameterizedTest
    @MethodSource("starts")
    void anAnswerIsReadAgainAgainstTheCheckpointAsClaimed(int sendStart, int recvStart) {
        // Probed with version 7; the claim then returned version 8, which records a second request (bytes 120-157)
        // and its response from send byte 1,005,000.
        ConnectionCheckpoint probed = responding(sendStart, recvStart, -1);
        ConnectionCheckpoint claimed = responding(sendStart, recvStart, -1, 8, 157, 1_005_000);
        TcpHeader answer = reply(SeqNum.toUnsigned(SeqNum.add(recvStart, 157)),
                SeqNum.toUnsigned(SeqNum.add(sendStart, 1_005_010)), TcpHeader.ACK);
        ProbeOutcome first = OldSequenceProbe.classify(probed, answer);
        assertThat(first).isInstanceOfSatisfying(ProbeOutcome.Synchronized.class,
                s -> assertThat(s.unrecordedBytes()).isEqualTo(37));

        assertThat(OldSequenceProbe.against(claimed, first)).isInstanceOfSatisfying(ProbeOutcome.Synchronized.class, s -> {
            assertThat(s.checkpoint()).isSameAs(claimed);
            assertThat(s.unrecordedBytes()).as("the claimed checkpoint has the request").isZero();
            assertThat(s.receivePosition()).isEqualTo(157);
            assertThat(s.sendPosition()).isEqualTo(1_005_010);
        });
        assertThat(OldSequenceProbe.against(claimed, new ProbeOutcome.Silent(probed)))
                .isEqualTo(new ProbeOutcome.Silent(claimed));
        assertThat(OldSequenceProbe.against(claimed, new ProbeOutcome.ClientReset(probed)))
                .isEqualTo(new ProbeOutcome.ClientReset(claimed));
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aClientBehindAnOlderCheckpointIsNotBehindTheClaimedOneItMatches(int sendStart, int recvStart) {
        // The probed checkpoint counts a request the claimed one does not: only the claimed one is the truth.
        ConnectionCheckpoint probed = responding(sendStart, recvStart, -1, 9, 157, 1_005_000);
        ConnectionCheckpoint claimed = responding(sendStart, recvStart, -1);
        TcpHeader answer = reply(SeqNum.toUnsigned(SeqNum.add(recvStart, 120)), SeqNum.toUnsigned(SeqNum.add(sendStart, 6000)),
                TcpHeader.ACK);
        ProbeOutcome first = OldSequenceProbe.classify(probed, answer);
        assertThat(first).isInstanceOf(ProbeOutcome.Behind.class);
        assertThat(OldSequenceProbe.against(claimed, first)).isInstanceOfSatisfying(ProbeOutcome.Synchronized.class,
                s -> assertThat(s.sendPosition()).isEqualTo(6000));
    }
}
