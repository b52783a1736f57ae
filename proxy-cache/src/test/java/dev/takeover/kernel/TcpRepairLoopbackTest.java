package dev.takeover.kernel;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollTcpInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link TcpRepair#capture} against the kernel's own accounting, on loopback connections of this JVM. */
class TcpRepairLoopbackTest {

    @BeforeAll
    static void privileged() {
        Privileges.assumeNetworkAdmin();
        assumeTrue(Epoll.isAvailable(), "needs netty's native epoll transport");
    }

    @Test
    void captureAfterAcceptAgreesWithTcpInfoAndLeavesTheSocketAsItWas() throws Exception {
        try (LoopbackConnection c = LoopbackConnection.open()) {
            TcpSnapshot s = c.capture();
            EpollTcpInfo info = c.onLoop(() -> c.accepted.tcpInfo());

            TcpOptions o = s.options();
            assertThat(o.timestamps()).isEqualTo((info.options() & 1) != 0);
            assertThat(o.sack()).isEqualTo((info.options() & 2) != 0);
            assertThat(o.windowScaling()).isEqualTo((info.options() & 4) != 0);
            assertThat(o.sendWindowScale()).isEqualTo(info.sndWscale());
            assertThat(o.receiveWindowScale()).isEqualTo(info.rcvWscale());
            // the clamp is the peer's MSS; the current send MSS is at most that (less the timestamp option)
            assertThat(o.mss()).isGreaterThanOrEqualTo((int) info.sndMss());
            assertThat(s.unreadBytes()).isZero();
            assertThat(s.unackedBytes()).isZero();
            assertThat(s.readSeq()).isEqualTo(s.recvSeq());
            assertThat(s.ackedSeq()).isEqualTo(s.sendSeq());
            // leaving repair mode clears SO_REUSEADDR; capture puts it back
            assertThat(c.accepted.config().isReuseAddress()).isTrue();
            // the connection still works both ways
            c.write(StreamPattern.bytes(0, 10));
            c.clientReadsPattern(0, 10);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1_000, 300_000})
    void sendSeqAdvancesByExactlyTheBytesWritten(int n) throws Exception {
        try (LoopbackConnection c = LoopbackConnection.open()) {
            TcpSnapshot atAccept = c.capture();

            c.write(StreamPattern.bytes(0, n));
            c.clientReadsPattern(0, n);
            TcpSnapshot written = c.capture();

            assertThat(written.sendSeq()).isEqualTo(Seq.add(atAccept.sendSeq(), n));
            assertThat(written.sendSeqBefore(n)).isEqualTo(atAccept.sendSeq());

            LoopbackConnection.await("the client's acknowledgment", Duration.ofSeconds(5),
                    () -> c.onLoop(() -> SocketQueues.read(c.fd())).unackedBytes() == 0);
            assertThat(c.capture().ackedSeq()).isEqualTo(Seq.add(atAccept.sendSeq(), n));
        }
    }

    @Test
    void readPositionCountsOnlyWhatTheApplicationRead() throws Exception {
        int sent = 5_000;
        try (LoopbackConnection c = LoopbackConnection.open()) {
            TcpSnapshot atAccept = c.capture();

            c.client.getOutputStream().write(StreamPattern.bytes(0, sent));
            LoopbackConnection.await("the client's bytes in the receive queue", Duration.ofSeconds(5),
                    () -> c.onLoop(() -> SocketQueues.read(c.fd())).unreadBytes() == sent);
            TcpSnapshot received = c.capture();

            assertThat(received.recvSeq()).isEqualTo(Seq.add(atAccept.recvSeq(), sent));
            assertThat(received.unreadBytes()).isEqualTo(sent);
            assertThat(received.readSeq()).isEqualTo(atAccept.readSeq());

            long read = c.readOnce();
            TcpSnapshot consumed = c.capture();

            assertThat(read).isPositive();
            assertThat(consumed.readSeq()).isEqualTo(Seq.add(atAccept.readSeq(), read));
            assertThat(consumed.recvSeq()).isEqualTo(received.recvSeq());
            assertThat(consumed.unreadBytes()).isEqualTo(sent - (int) read);
        }
    }

    @Test
    void captureRefusesWhatIsNotAnEstablishedSocket() throws Exception {
        assertThatThrownBy(() -> TcpRepair.capture(-1))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("EBADF");
                    assertThat(e.call()).isEqualTo("getsockopt(TCP_INFO)");
                });
        try (LoopbackConnection c = LoopbackConnection.open()) {
            int listening = ((io.netty.channel.epoll.EpollServerSocketChannel) c.listener).fd().intValue();

            assertThatThrownBy(() -> TcpRepair.capture(listening))
                    .isInstanceOf(IOException.class).hasMessageContaining("is not ESTABLISHED");
        }
    }

    @Test
    void socketQueuesFailsOnABadDescriptor() {
        assertThatThrownBy(() -> SocketQueues.read(-1))
                .isInstanceOf(KernelException.class).hasMessage("ioctl(SIOCINQ) failed: EBADF (9)");
    }
}
