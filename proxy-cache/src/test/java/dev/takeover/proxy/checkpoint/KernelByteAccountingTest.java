package dev.takeover.proxy.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.LocalCheckpointStore;
import dev.takeover.checkpoint.SeqNum;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.Capabilities;
import dev.takeover.kernel.TcpRepair;
import dev.takeover.kernel.TcpSnapshot;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.ProxySettings;
import dev.takeover.proxy.ScriptedOriginAccess;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The byte accounting against the kernel: after a transfer, the positions the proxy counted (its
 * checkpoint) and the sequence numbers the kernel reports in repair mode agree exactly. Needs
 * CAP_NET_ADMIN (root) and the epoll transport.
 */
class KernelByteAccountingTest {

    @Test
    void countedPositionsMatchTheKernelsSequenceNumbersAfterATransfer() throws Exception {
        assumeTrue(Capabilities.canRepair(), "TCP_REPAIR needs Linux and CAP_NET_ADMIN");
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        KernelTcpCapture kernel = new KernelTcpCapture();
        TcpCapture remembering = new TcpCapture() {
            @Override
            public Optional<AtAccept> atAccept(Channel channel) {
                accepted.complete(channel);
                return kernel.atAccept(channel);
            }

            @Override
            public OptionalLong ackedBytes(Channel channel, long sent) {
                return kernel.ackedBytes(channel, sent);
            }
        };
        try (ScriptedOriginAccess origin = new ScriptedOriginAccess(); LocalCheckpointStore store = new LocalCheckpointStore()) {
            origin.slow("/big", 3 << 20, 6, 5);
            Checkpointing checkpointing = new Checkpointing(store, "n1", remembering, a -> true, Duration.ofMillis(50), 1 << 20,
                    Executors.newSingleThreadExecutor());
            try (ProxyServer proxy = ProxyServer.start(ProxySettings.of(new InetSocketAddress("127.0.0.1", 0), origin.uri()),
                    Clock.systemUTC(), checkpointing);
                 Socket s = new Socket("127.0.0.1", proxy.address().getPort())) {
                String r1 = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
                s.getOutputStream().write((r1 + r1).getBytes(StandardCharsets.ISO_8859_1)); // two, pipelined
                InputStream in = s.getInputStream();
                long got = 0;
                byte[] buf = new byte[65536];
                // Two responses of 3 MiB each plus their header blocks.
                while (got < 2L * (3 << 20)) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    got += n;
                }
                Channel ch = accepted.get(5, TimeUnit.SECONDS);
                ConnectionId id = new ConnectionId((java.net.Inet4Address) s.getInetAddress(), proxy.address().getPort(),
                        (java.net.Inet4Address) s.getLocalAddress(), s.getLocalPort());
                ConnectionCheckpoint idle = null;
                for (int i = 0; i < 500; i++) {
                    idle = store.get(id).orElse(null);
                    if (idle != null && idle.http() instanceof HttpLayer.Idle done && done.requestsServed() == 2) {
                        break;
                    }
                    Thread.sleep(10);
                }
                assertThat(idle).isNotNull();
                HttpLayer.Idle done = (HttpLayer.Idle) idle.http();
                // Read the kernel's positions in repair mode, on the connection's own thread.
                TcpSnapshot now = ch.eventLoop().submit(() -> TcpRepair.capture(((EpollSocketChannel) ch).fd().intValue()))
                        .get(5, TimeUnit.SECONDS);
                TcpLayer tcp = idle.tcp();
                assertThat(done.sentBytes()).isEqualTo(got + (s.getInputStream().available()));
                assertThat((int) now.sendSeq()).as("write_seq = first send sequence + bytes written")
                        .isEqualTo(tcp.sendSeq(done.sentBytes()));
                assertThat((int) now.readSeq()).as("rcv_nxt - unread = first receive sequence + bytes read")
                        .isEqualTo(tcp.recvSeq(done.receivedBytes()));
                assertThat(done.receivedBytes()).isEqualTo(2L * r1.length());
                assertThat(SeqNum.distance(tcp.sendStartSeq(), (int) now.sendSeq())).isEqualTo(done.sentBytes());
            }
        }
    }
}
