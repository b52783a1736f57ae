package dev.takeover.probe;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.SeqNum;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.FourTuple;
import dev.takeover.kernel.PacketCapture;
import dev.takeover.kernel.RawTcp;
import dev.takeover.kernel.TcpHeader;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out where each client of a taken-over VIP stands, without a socket: a pure ACK from the VIP
 * with an old sequence number (so the client sees a duplicate) and the checkpointed receive position
 * as acknowledgment makes the client answer with its own current sequence and acknowledgment, which
 * an {@code AF_PACKET} capture reads. All connections of the VIP are probed at once.
 *
 * <p>Linux answers such segments at most once per 500 ms per connection ({@code tcp_invalid_ratelimit}):
 * connections still silent are probed again after {@link #ROUND_WAIT}, up to {@link #ROUNDS} times.
 *
 * <p>Needs CAP_NET_RAW, and the VIP on a local interface (the raw socket binds to it, else the
 * kernel would pick the node's own address and the client would answer with a RST). Not thread
 * safe; one instance per VIP takeover.
 */
public final class OldSequenceProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OldSequenceProbe.class);
    static final int ROUNDS = 4;
    static final Duration ROUND_WAIT = Duration.ofMillis(600);
    /**
     * Probes sent between two reads of the answers already in: the first answers go on to their rebuilds while the
     * rest are still being sent (5 000 probes took half a second to send on a loaded two-core lab node).
     */
    static final int SENDS_BETWEEN_READS = 256;

    private final PacketCapture capture;
    private final RawTcp raw;
    /** What the last {@link #probe} did, round by round: see {@link #rounds()}. */
    private String rounds = "";

    private OldSequenceProbe(PacketCapture capture, RawTcp raw) {
        this.capture = capture;
        this.raw = raw;
    }

    /** Opens the capture on {@code interfaceName} and the raw socket on {@code vip}, before any probe goes out. */
    public static OldSequenceProbe open(String interfaceName, Inet4Address vip) throws IOException {
        PacketCapture capture = PacketCapture.open(interfaceName, vip, 0);
        try {
            return new OldSequenceProbe(capture, RawTcp.open(vip));
        } catch (IOException | RuntimeException e) {
            capture.close();
            throw e;
        }
    }

    /**
     * Probes every connection, in parallel, and hands each outcome to {@code onOutcome} as soon as it
     * is known, on this thread: an answer the moment it arrives (so its socket can be rebuilt while
     * other clients are still being waited for), {@link ProbeOutcome.Silent} once every retry is spent.
     * Exactly one outcome per checkpoint.
     */
    public void probe(List<ConnectionCheckpoint> checkpoints, Consumer<ProbeOutcome> onOutcome) throws IOException {
        Map<FourTuple, CompletableFuture<TcpHeader>> replies = new HashMap<>();
        Map<FourTuple, ConnectionCheckpoint> byTuple = new HashMap<>();
        for (ConnectionCheckpoint c : checkpoints) {
            FourTuple t = tuple(c);
            byTuple.put(t, c);
            CompletableFuture<TcpHeader> reply = capture.expect(t);
            replies.put(t, reply);
            reply.thenAccept(h -> onOutcome.accept(classify(c, h))); // completes inside dispatch, on this thread
        }
        long start = System.nanoTime();
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < ROUNDS && !capture.pending().isEmpty(); round++) {
            int sent = 0;
            int answered = 0;
            for (FourTuple t : capture.pending()) {
                ConnectionCheckpoint c = byTuple.get(t);
                if (c != null) {
                    raw.sendAck(t, probeSeq(c), SeqNum.toUnsigned(c.tcp().recvSeq(receivePosition(c.http()))), 0xffff);
                    if (++sent % SENDS_BETWEEN_READS == 0) {
                        answered += capture.dispatch(Duration.ZERO);
                    }
                }
            }
            long sentAt = System.nanoTime();
            answered += capture.dispatch(ROUND_WAIT);
            rounds.append(String.format(" [%d sent in %d ms, %d answered, the last %d ms later]", sent,
                    (sentAt - start) / 1_000_000, answered, (System.nanoTime() - sentAt) / 1_000_000));
            start = System.nanoTime();
        }
        this.rounds = rounds.toString().strip();
        log.debug("probed {} connections: {}", checkpoints.size(), this.rounds);
        for (ConnectionCheckpoint c : checkpoints) {
            CompletableFuture<TcpHeader> reply = replies.get(tuple(c));
            if (reply.cancel(false) || reply.isCompletedExceptionally()) {
                onOutcome.accept(new ProbeOutcome.Silent(c));
            }
        }
    }

    /**
     * @return the last {@link #probe}'s rounds, for the log: how many probes each sent and in how long, how many
     *         answers came, and how long after its last send the last one did
     */
    public String rounds() {
        return rounds;
    }

    /**
     * Resets a connection that cannot be resumed: a RST from the VIP at the client's acknowledgment,
     * so the client takes it (in window).
     */
    public void reset(ConnectionCheckpoint c, TcpHeader reply) throws IOException {
        raw.send(tuple(c), reply.ack(), reply.seq(), TcpHeader.RST | TcpHeader.ACK, 0);
    }

    /**
     * What the client's answer to a probe says against {@code checkpoint}, a later version of the connection's
     * checkpoint than the one probed (or the same): a probe's sequence is old whatever the version, so its answer
     * holds for any.
     */
    public static ProbeOutcome against(ConnectionCheckpoint checkpoint, ProbeOutcome probed) {
        return switch (probed) {
            case ProbeOutcome.Synchronized s -> classify(checkpoint, s.reply());
            case ProbeOutcome.Behind b -> classify(checkpoint, b.reply());
            case ProbeOutcome.ClientReset r -> new ProbeOutcome.ClientReset(checkpoint);
            case ProbeOutcome.Silent silent -> new ProbeOutcome.Silent(checkpoint);
        };
    }

    /** What the client's segment says, against the checkpoint. */
    static ProbeOutcome classify(ConnectionCheckpoint c, TcpHeader reply) {
        if (reply.has(TcpHeader.RST)) {
            return new ProbeOutcome.ClientReset(c);
        }
        TcpLayer tcp = c.tcp();
        long received = receivePosition(c.http());
        int expected = tcp.recvSeq(received);
        int clientSeq = (int) reply.seq();
        if (SeqNum.compare(clientSeq, expected) < 0) {
            return new ProbeOutcome.Behind(c, reply, SeqNum.distance(clientSeq, expected));
        }
        long send = tcp.sendBytes((int) reply.ack(), sendPosition(c.http()));
        return new ProbeOutcome.Synchronized(c, reply, send, received, SeqNum.distance(expected, clientSeq));
    }

    /**
     * A sequence number the client has certainly received already: just below the last position
     * known acknowledged, or the initial sequence number. Either is a duplicate to the client.
     */
    static long probeSeq(ConnectionCheckpoint c) {
        long acked = Math.max(0, c.tcp().ackedSendBytes());
        return SeqNum.toUnsigned(c.tcp().sendSeq(acked - 1));
    }

    /** The receive position the checkpoint vouches for: the end of the last request it recorded. */
    static long receivePosition(HttpLayer http) {
        return switch (http) {
            case HttpLayer.Idle idle -> idle.receivedBytes();
            case HttpLayer.Requested q -> q.requestEndReceivePos();
            case HttpLayer.Responding r -> r.requestEndReceivePos();
        };
    }

    /** A send position near where the client should be, to place its 32-bit acknowledgment. */
    static long sendPosition(HttpLayer http) {
        return switch (http) {
            case HttpLayer.Idle idle -> idle.sentBytes();
            case HttpLayer.Requested q -> q.responseStartSendPos();
            case HttpLayer.Responding r -> r.bodyBytesConfirmed() >= 0 ? r.bodyStartSendPos() + r.bodyBytesConfirmed()
                    : r.responseStartSendPos();
        };
    }

    public static FourTuple tuple(ConnectionCheckpoint c) {
        return new FourTuple(c.ip().vip(), c.ip().vipPort(), c.ip().client(), c.ip().clientPort());
    }

    @Override
    public void close() throws IOException {
        try {
            capture.close();
        } finally {
            raw.close();
        }
    }
}
