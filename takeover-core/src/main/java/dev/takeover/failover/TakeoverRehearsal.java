package dev.takeover.failover;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.LocalSockets;
import dev.takeover.kernel.TcpHeader;
import dev.takeover.probe.OldSequenceProbe;
import dev.takeover.probe.ProbeOutcome;
import dev.takeover.rebuild.SocketRebuild;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the kernel side of a takeover once, on loopback, so that the first real takeover of this node's life does not
 * pay for loading, linking and interpreting that code: a survivor's first takeover loaded about 300 classes between
 * the view change and the rebuild, the probe's and the rebuild's foreign-function calls among them.
 *
 * <p>It probes a made-up connection between {@code 127.0.0.1:9} and {@code 127.0.0.1:10} with the
 * {@link OldSequenceProbe} on the loopback interface: no socket has that connection, so the kernel answers with a
 * RST, which the probe reads as a client that reset (the ports differ so that the probe's own segment, which loopback
 * delivers too, is not taken for the answer). Then it rebuilds that connection's socket with {@link SocketRebuild},
 * which the kernel resets at once for the same reason, and closes it through a netty channel, as a resumed connection
 * is handed to the proxy. Every packet stays on this host's loopback interface; the cluster and the proxy are not
 * touched.
 *
 * <p>Needs the privileges of a takeover (CAP_NET_ADMIN, CAP_NET_RAW). Stateless; one call at a time per network
 * namespace, since the made-up connection has one four-tuple.
 */
final class TakeoverRehearsal {

    /** {@code -Dtakeover.rehearse=false} skips it, for side-by-side measurements. */
    static final boolean ENABLED = !"false".equals(System.getProperty("takeover.rehearse"));

    private static final Inet4Address LOOPBACK = (Inet4Address) InetAddress.getLoopbackAddress();
    /** The made-up connection's ports: a listener on either does not conflict (repair mode forces address reuse). */
    private static final int PORT = 9;
    private static final int CLIENT_PORT = 10;

    private TakeoverRehearsal() {
    }

    /** What a rehearsal came to: the probe's outcomes, and how long the whole took. */
    record Result(List<ProbeOutcome> outcomes, long millis) {}

    /**
     * @return the probe's outcomes (one, {@link ProbeOutcome.ClientReset} when the kernel answered as expected) and
     *         the time taken
     * @throws IOException when a step fails: the privileges are missing, or loopback is down
     * @throws UnsatisfiedLinkError when netty's epoll transport is not available
     */
    static Result run() throws IOException {
        long start = System.nanoTime();
        ConnectionId id = new ConnectionId(LOOPBACK, PORT, LOOPBACK, CLIENT_PORT);
        TcpLayer tcp = new TcpLayer(1, 1, 1448, true, 7, 7, true, true, 1, System.currentTimeMillis(), TcpLayer.UNKNOWN);
        ConnectionCheckpoint made = new ConnectionCheckpoint("rehearsal", 0, System.currentTimeMillis(), IpLayer.of(id),
                tcp, new HttpLayer.Idle(0, 0, 0));
        List<ProbeOutcome> outcomes = new ArrayList<>();
        try (OldSequenceProbe probe = OldSequenceProbe.open("lo", LOOPBACK)) {
            probe.probe(List.of(made), outcomes::add);
        }
        // The answer a client gives to a probe, so the rebuild runs as in a takeover.
        TcpHeader reply = new TcpHeader(CLIENT_PORT, PORT, tcp.recvSeq(0) & 0xffffffffL, tcp.sendSeq(0) & 0xffffffffL,
                TcpHeader.ACK, 0xffff);
        int fd = SocketRebuild.rebuild(new ProbeOutcome.Synchronized(made, reply, 0, 0, 0), System.currentTimeMillis(),
                new LocalSockets());
        Epoll.ensureAvailability(); // loaded already where the proxy runs on epoll, which a takeover needs
        EpollSocketChannel channel = new EpollSocketChannel(fd);
        // Leaving repair mode sent a window probe to 127.0.0.1:10, which this kernel answered with a RST: the socket is
        // closed already, and closing the channel leaves nothing on the four-tuple for the next rehearsal.
        channel.unsafe().closeForcibly();
        return new Result(List.copyOf(outcomes), (System.nanoTime() - start) / 1_000_000);
    }
}
