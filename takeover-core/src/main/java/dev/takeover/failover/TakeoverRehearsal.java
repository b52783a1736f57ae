package dev.takeover.failover;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.LocalSockets;
import dev.takeover.kernel.TcpHeader;
import dev.takeover.kernel.ThreadPriority;
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
import java.util.function.BooleanSupplier;

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
 * <p>{@link #run(int)} does the same for many made-up connections at once, from port 9 to ports
 * {@value #MANY_CLIENT_PORT} and up, so that the code a takeover runs per connection is compiled before one needs it:
 * run once, it is interpreted, and at 10 000 connections the JIT compiling it took a survivor's two cores from the
 * takeover itself ({@code docs/BENCHMARKS.md}, "Takeover scale"). A port where something listens answers with a RST
 * as well; the made-up connections never reach an application.
 *
 * <p>Needs the privileges of a takeover (CAP_NET_ADMIN, CAP_NET_RAW). Stateless; one call at a time per network
 * namespace, since the made-up connections have fixed four-tuples.
 */
final class TakeoverRehearsal {

    /** {@code -Dtakeover.rehearse=false} skips it, for side-by-side measurements. */
    static final boolean ENABLED = !"false".equals(System.getProperty("takeover.rehearse"));
    /**
     * How many made-up connections a node rehearses at start, after the one ({@code -Dtakeover.rehearse-connections},
     * 0 for none): enough for the JIT to compile what a takeover runs per connection.
     */
    static final int WARM_CONNECTIONS = Integer.getInteger("takeover.rehearse-connections", 6000);
    /** Connections per {@link #run(int)} when warming: the sockets of one batch at most exist at once. */
    private static final int WARM_BATCH = 500;
    /** The pause between two batches of {@link #warm}: the node's start and its clients go first. */
    private static final long WARM_PAUSE_MILLIS = 100;

    private static final Inet4Address LOOPBACK = (Inet4Address) InetAddress.getLoopbackAddress();
    /** The made-up connection's ports: a listener on either does not conflict (repair mode forces address reuse). */
    private static final int PORT = 9;
    private static final int CLIENT_PORT = 10;
    /** The first client port of {@link #run(int)}'s connections. */
    static final int MANY_CLIENT_PORT = 20_000;
    /** The most connections {@link #run(int)} makes up at once. */
    static final int MAX_CONNECTIONS = 10_000;

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
        return run(List.of(made(CLIENT_PORT)));
    }

    /**
     * As {@link #run()}, for {@code connections} made-up connections at once: one probe of them all, then a rebuild
     * of each.
     *
     * @param connections 1 to {@value #MAX_CONNECTIONS}
     */
    static Result run(int connections) throws IOException {
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("connections must be in 1.." + MAX_CONNECTIONS + ", was " + connections);
        }
        List<ConnectionCheckpoint> made = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            made.add(made(MANY_CLIENT_PORT + i));
        }
        return run(made);
    }

    /**
     * Rehearses {@code connections} made-up connections in batches of {@value #WARM_BATCH} with pauses, on the calling
     * thread at nice 10, so the JIT compiles a takeover's per-connection code ahead of one.
     *
     * @param stop checked between batches: whether to give up (the node is closing)
     * @return how long it took, in milliseconds
     * @throws IOException          as {@link #run(int)}
     * @throws InterruptedException when interrupted during a pause
     */
    static long warm(int connections, BooleanSupplier stop) throws IOException, InterruptedException {
        ThreadPriority.niceCurrentThread(10);
        long start = System.nanoTime();
        for (int done = 0; done < connections && !stop.getAsBoolean(); done += WARM_BATCH) {
            run(Math.min(WARM_BATCH, connections - done));
            Thread.sleep(WARM_PAUSE_MILLIS);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static ConnectionCheckpoint made(int clientPort) {
        ConnectionId id = new ConnectionId(LOOPBACK, PORT, LOOPBACK, clientPort);
        TcpLayer tcp = new TcpLayer(1, 1, 1448, true, 7, 7, true, true, 1, System.currentTimeMillis(), TcpLayer.UNKNOWN);
        return new ConnectionCheckpoint("rehearsal", 0, System.currentTimeMillis(), IpLayer.of(id), tcp,
                new HttpLayer.Idle(0, 0, 0));
    }

    private static Result run(List<ConnectionCheckpoint> made) throws IOException {
        long start = System.nanoTime();
        List<ProbeOutcome> outcomes = new ArrayList<>(made.size());
        try (OldSequenceProbe probe = OldSequenceProbe.open("lo", LOOPBACK)) {
            probe.probe(made, outcomes::add);
        }
        Epoll.ensureAvailability(); // loaded already where the proxy runs on epoll, which a takeover needs
        LocalSockets sockets = new LocalSockets();
        for (ConnectionCheckpoint c : made) {
            // The answer a client gives to a probe, read as a takeover reads it, so the rebuild runs as in one.
            TcpHeader reply = new TcpHeader(c.ip().clientPort(), PORT, c.tcp().recvSeq(0) & 0xffffffffL,
                    c.tcp().sendSeq(0) & 0xffffffffL, TcpHeader.ACK, 0xffff);
            ProbeOutcome answered = OldSequenceProbe.against(c, new ProbeOutcome.Synchronized(c, reply, 0, 0, 0));
            if (!(answered instanceof ProbeOutcome.Synchronized s)) {
                throw new IllegalStateException("a made-up answer read as " + answered); // classify changed
            }
            int fd = SocketRebuild.rebuild(s, System.currentTimeMillis(), sockets);
            // Leaving repair mode sent a window probe to the made-up client, which this kernel answered with a RST:
            // the socket is closed already, and closing the channel leaves nothing on the four-tuple for the next run.
            new EpollSocketChannel(fd).unsafe().closeForcibly();
        }
        return new Result(List.copyOf(outcomes), (System.nanoTime() - start) / 1_000_000);
    }
}
