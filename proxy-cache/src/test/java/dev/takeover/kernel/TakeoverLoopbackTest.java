package dev.takeover.kernel;

import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.takeover.kernel.TcpCodecTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The takeover calls on loopback in one JVM: old-sequence ACK and captured reply on a live connection, then the
 * server socket vanishes without a FIN or RST (closed in repair mode, as if its node died) and a rebuilt socket
 * continues the byte stream.
 */
class TakeoverLoopbackTest {

    private static final Inet4Address LOOPBACK = (Inet4Address) InetAddress.getLoopbackAddress();
    /** Never on an interface of the test machine (RFC 2544 benchmarking range); only ever bound, never sent to. */
    private static final Inet4Address NOT_LOCAL = ip("198.18.77.254");

    @BeforeAll
    static void privileged() {
        Privileges.assumeNetworkAdmin();
        assumeTrue(Epoll.isAvailable(), "needs netty's native epoll transport");
    }

    @Test
    void probeReplyThenRebuildContinueTheStream() throws Exception {
        int first = 100_000;
        int total = 250_000;
        try (LoopbackConnection c = LoopbackConnection.open()) {
            TcpSnapshot atAccept = c.capture();
            c.write(StreamPattern.bytes(0, first));
            c.clientReadsPattern(0, first);
            LoopbackConnection.await("the client's acknowledgment", Duration.ofSeconds(5),
                    () -> c.onLoop(() -> SocketQueues.read(c.fd())).unackedBytes() == 0);
            TcpSnapshot checkpoint = c.capture();
            FourTuple connection = c.fourTuple();

            TcpHeader reply;
            try (PacketCapture capture = PacketCapture.open("lo", LOOPBACK, connection.localPort());
                 RawTcp raw = RawTcp.open(LOOPBACK)) {
                CompletableFuture<TcpHeader> future = capture.expect(connection);
                raw.sendAck(connection, Seq.add(checkpoint.ackedSeq(), -1), checkpoint.readSeq(), 512);

                assertThat(capture.dispatch(Duration.ofSeconds(5))).isEqualTo(1);
                reply = future.getNow(null);
            }
            // the client reports what it has sent (nothing) and received (everything)
            assertThat(reply.seq()).isEqualTo(checkpoint.recvSeq());
            assertThat(reply.ack()).isEqualTo(checkpoint.sendSeq());
            assertThat(reply.flags()).isEqualTo(TcpHeader.ACK);
            assertThat(reply.sourcePort()).isEqualTo(connection.remotePort());

            // the serving socket disappears without a FIN or RST
            c.onLoop(() -> {
                Libc.setInt(c.fd(), Libc.Option.TCP_REPAIR, 1);
                return null;
            });
            c.accepted.close().sync();

            RebuildSpec spec = RebuildSpec.afterReply(connection, checkpoint.options(), reply,
                    checkpoint.timestampAt(System.currentTimeMillis(), 100));
            int fd = TcpRepair.rebuild(spec);
            assertThat(Libc.getInt(fd, Libc.Option.SO_REUSEADDR)).as("address reuse, so an orphan never blocks a listener")
                    .isNotZero();
            long offset = Seq.distance(atAccept.sendSeqBefore(0), spec.sendSeq());
            assertThat(offset).isEqualTo(first);

            EpollSocketChannel resumed = new EpollSocketChannel(fd);
            c.group.register(resumed).sync();
            try {
                assertThat(resumed.isActive()).isTrue();
                assertThat(FourTuple.of(resumed.localAddress(), resumed.remoteAddress())).isEqualTo(connection);
                resumed.writeAndFlush(Unpooled.wrappedBuffer(StreamPattern.bytes(offset, total - first))).sync();
                TcpSnapshot rebuilt = resumed.eventLoop().submit(() -> TcpRepair.capture(fd)).get(5, TimeUnit.SECONDS);
                assertThat(rebuilt.sendSeq()).isEqualTo(Seq.add(atAccept.sendSeq(), total));
                assertThat(rebuilt.options()).isEqualTo(checkpoint.options());
                resumed.shutdownOutput().sync();

                c.clientReadsPattern(offset, total - first);
                assertThat(c.client.getInputStream().read()).as("end of stream after the last byte").isEqualTo(-1);
            } finally {
                resumed.close().sync();
            }
        }
    }

    @Test
    void rebuildNeedsTheAddressOnAnInterface() {
        FourTuple connection = new FourTuple(NOT_LOCAL, 8080, LOOPBACK, 40000);
        RebuildSpec spec = new RebuildSpec(connection, 1, 1, new TcpOptions(true, true, true, 7, 7, 1460), 0, 100,
                false);

        assertThatThrownBy(() -> TcpRepair.rebuild(spec))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.call()).isEqualTo("bind");
                    assertThat(e.errnoName()).isEqualTo("EADDRNOTAVAIL");
                });
    }

    @Test
    void rawTcpMustBeBoundToALocalAddressAndSendsOnlyFromIt() throws Exception {
        assertThatThrownBy(() -> RawTcp.open(NOT_LOCAL))
                .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errnoName()).isEqualTo("EADDRNOTAVAIL"));

        RawTcp raw = RawTcp.open(LOOPBACK);
        FourTuple foreign = new FourTuple(ip("127.0.0.2"), 8080, LOOPBACK, 40000);
        assertThatThrownBy(() -> raw.sendAck(foreign, 1, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot leave from 127.0.0.1");
        raw.close();
        raw.close();
        FourTuple own = new FourTuple(LOOPBACK, 8080, LOOPBACK, 40000);
        assertThatThrownBy(() -> raw.sendAck(own, 1, 1, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void packetCaptureRegistrationLifecycle() throws Exception {
        assertThatThrownBy(() -> PacketCapture.open("nosuch0", LOOPBACK, 8080))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.call()).isEqualTo("if_nametoindex(nosuch0)");
                    assertThat(e.errnoName()).isEqualTo("ENODEV");
                });

        FourTuple a = new FourTuple(LOOPBACK, 8080, LOOPBACK, 40000);
        FourTuple b = new FourTuple(LOOPBACK, 8080, LOOPBACK, 40001);
        PacketCapture capture = PacketCapture.open("lo", LOOPBACK, 8080);
        assertThatThrownBy(() -> capture.expect(new FourTuple(LOOPBACK, 8081, LOOPBACK, 40000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127.0.0.1:8080");
        assertThat(capture.dispatch(Duration.ofSeconds(5))).as("nothing expected: returns at once").isZero();

        CompletableFuture<TcpHeader> fa = capture.expect(a);
        assertThat(capture.expect(a)).isSameAs(fa);
        CompletableFuture<TcpHeader> fb = capture.expect(b);
        assertThat(capture.pending()).containsExactlyInAnyOrder(a, b);

        assertThat(capture.cancel(a)).isTrue();
        assertThat(fa).isCancelled();
        assertThat(capture.cancel(a)).isFalse();
        assertThat(capture.pending()).containsExactly(b);

        capture.close();
        capture.close();
        assertThat(fb).isCancelled();
        assertThatThrownBy(() -> capture.expect(a)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> capture.dispatch(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }
}
