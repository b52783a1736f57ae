package dev.takeover.proxy.checkpoint;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.Checkpointer;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.HttpProgress;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.checkpoint.LayerAppender;
import dev.takeover.checkpoint.PutResult;
import dev.takeover.checkpoint.TcpLayer;
import io.netty.channel.Channel;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one client connection, built like a protocol stack: the IP layer (constant),
 * the TCP layer (read from the kernel at accept, then only the acknowledged position moves) and the
 * HTTP layer ({@link HttpProgress}) each append their state to every checkpoint.
 *
 * <p>When it writes: at accept (idle), before the first byte of every response (the reply waits for
 * {@link #responding}'s future, except where waiting would protect nothing: see there), while a long
 * response is sent ({@link ProgressSchedule}), when a response is complete (idle again), and the
 * checkpoint is removed when the connection closes.
 *
 * <p>Writes run on the {@link Checkpointing#writes()} executor, chained: one connection's writes
 * reach the store in order (so the removal comes last), different connections' in parallel. A
 * failed write is logged and the connection goes on: serving beats being resumable.
 *
 * <p>Event-loop confined, except the writes themselves.
 */
public final class ConnectionCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(ConnectionCheckpoints.class);

    private final Checkpointing config;
    private final Channel channel;
    private final Clock clock;
    private final ConnectionId id;
    private final HttpProgress http;
    private final Checkpointer checkpointer;
    private TcpLayer tcp;
    private ProgressSchedule schedule;
    private long lastVersion;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /** The receive position up to which the kernel acknowledged the client's bytes before they could be held. */
    private final long acknowledgedOnArrival;
    /** The longest a connection's later writes wait behind a durable one. */
    private static final long DURABLE_WAIT_MILLIS = 2000;
    /**
     * The longest the kernel holds back a request's ACK ({@link HeldAcks}): Linux's delayed-ACK timer on a LAN, where
     * the round trip is under its 40 ms floor ({@code TCP_DELACK_MIN}).
     */
    static final long ACK_HOLD_MILLIS = 40;

    private ConnectionCheckpoints(Checkpointing config, Channel channel, Clock clock, ConnectionId id, TcpLayer tcp,
                                  HttpProgress http, long lastVersion, long acknowledgedOnArrival) {
        this.config = config;
        this.acknowledgedOnArrival = acknowledgedOnArrival;
        this.channel = channel;
        this.clock = clock;
        this.id = id;
        this.tcp = tcp;
        this.http = http;
        LayerAppender tcpLayer = b -> b.layer(this.tcp);
        this.lastVersion = lastVersion;
        this.checkpointer = new Checkpointer(config.node(), lastVersion,
                List.of(LayerAppender.constant(IpLayer.of(id)), tcpLayer, http));
    }

    /**
     * Starts checkpointing a just-accepted connection and writes its first (idle) checkpoint. Returns
     * null when the connection cannot move (not to a virtual IP, not IPv4) or the kernel state cannot
     * be read.
     */
    public static ConnectionCheckpoints accepted(Checkpointing config, Channel channel, Clock clock) {
        if (!(channel.localAddress() instanceof InetSocketAddress local && local.getAddress() instanceof Inet4Address vip)
                || !(channel.remoteAddress() instanceof InetSocketAddress remote
                && remote.getAddress() instanceof Inet4Address client)
                || !config.virtual().test(vip)) {
            return null;
        }
        var captured = config.capture().atAccept(channel);
        if (captured.isEmpty()) {
            return null;
        }
        ConnectionId id = new ConnectionId(vip, local.getPort(), client, remote.getPort());
        ConnectionCheckpoints c = new ConnectionCheckpoints(config, channel, clock, id, captured.get().tcp(),
                new HttpProgress(), Checkpointer.startingVersion(clock.millis()), captured.get().receivedBytes());
        c.write();
        return c;
    }

    /**
     * Goes on checkpointing a connection taken over from another node, under this node's name: the
     * TCP layer is the dead owner's (the rebuilt socket continues its sequence space), the HTTP layer
     * resumes at {@code sendPosition}. Writes at once, which also ends the takeover's claim.
     */
    public static ConnectionCheckpoints resumed(Checkpointing config, Channel channel, Clock clock,
                                                ConnectionCheckpoint checkpoint, long sendPosition) {
        ConnectionCheckpoints c = new ConnectionCheckpoints(config, channel, clock, checkpoint.id(), checkpoint.tcp(),
                new HttpProgress(checkpoint.http(), sendPosition), checkpoint.version(), 0);
        if (checkpoint.http() instanceof HttpLayer.Responding) {
            c.schedule = new ProgressSchedule(config.interval().toNanos(), config.byteStep(), System.nanoTime(), sendPosition);
        }
        c.write();
        return c;
    }

    public ConnectionId id() {
        return id;
    }

    /**
     * A response is about to start at send position {@code sent}; the future completes when its
     * checkpoint is durably stored ({@link CheckpointStore#putDurably}: replicated, even by a write-behind
     * store), or failed to be: it completes normally either way. It completes at once, the checkpoint queued, for a
     * small body (see {@link Checkpointing#smallBody}), and for a request the kernel acknowledged on arrival before the
     * connection was captured, unless the request was recorded. Where ACKs are held (every response waits), it
     * completes after {@link #ACK_HOLD_MILLIS} at the latest for a request not recorded. It is the caller's to
     * complete early: the connection's own chain of writes is not affected.
     */
    public CompletableFuture<Void> responding(HttpLayer.Responding response, long sent) {
        syncSent(sent);
        boolean replayable = http.requestRecorded();
        http.responding(response);
        schedule = new ProgressSchedule(config.interval().toNanos(), config.byteStep(), System.nanoTime(), sent);
        if (response.bodyLength() >= 0 && response.bodyLength() <= config.smallBody()) {
            // Write-behind replication and a small body: the response is sent whole long before this checkpoint could
            // be replicated, and the idle one that follows replaces it in the queue. Recording it would cost a put per
            // request and protect nothing more than the idle checkpoint does.
            return CompletableFuture.completedFuture(null);
        }
        if (!replayable && response.requestEndReceivePos() <= acknowledgedOnArrival) {
            // The first request of a connection usually arrives before the accept: the kernel acknowledged it then, so
            // a survivor could neither receive it again nor replay it. Waiting protects nothing, and a crash during
            // the wait would leave the client waiting for an answer on a connection no survivor knows.
            write();
            return CompletableFuture.completedFuture(null);
        }
        if (!replayable && config.smallBody() < 0) {
            // Waiting protects a request nobody recorded only while its ACK is held: once the ACK is out, the client
            // will not send it again, and a crash would leave it waiting for the answer this wait keeps from it.
            return writeDurably().copy().completeOnTimeout(null, ACK_HOLD_MILLIS, TimeUnit.MILLISECONDS);
        }
        return writeDurably().copy();
    }

    /**
     * A request ending at receive position {@code requestEnd} waits for its response, which will start at send
     * position {@code sent}: record it (without waiting for the store), so a survivor can answer it.
     *
     * @param requestHead the request line and header fields, for a survivor to replay
     */
    public void requested(long requestEnd, long sent, byte[] requestHead) {
        try {
            syncSent(sent);
            http.requested(new HttpLayer.Requested(requestEnd, sent, http.requestsServed(), requestHead));
            write();
        } catch (RuntimeException e) {
            log.warn("request checkpoint of {} failed: {}", id, e.toString());
        }
    }

    /** Bytes went out: checkpoint progress if it is due. Never throws: serving beats checkpointing. */
    public void progress(long sent) {
        try {
            progressChecked(sent);
        } catch (RuntimeException e) {
            log.warn("progress checkpoint of {} failed: {}", id, e.toString());
        }
    }

    private void progressChecked(long sent) {
        syncSent(sent);
        if (schedule == null) {
            return;
        }
        long now = System.nanoTime();
        if (schedule.due(now, sent) || http.confirmDue()) {
            if (http.confirmDue()) {
                http.confirmBody();
            }
            config.capture().ackedBytes(channel, sent).ifPresent(acked -> tcp = tcp.withAckedSendBytes(Math.max(acked,
                    Math.max(0, tcp.ackedSendBytes()))));
            schedule.checkpointed(now, sent);
            write();
        }
    }

    /** The response is complete at send position {@code sent}: the connection is idle until the next request. */
    public void responseComplete(long sent) {
        syncSent(sent);
        http.responseComplete();
        schedule = null;
        write();
    }

    /**
     * The connection closed: its checkpoint goes, after any write still on its way. A write-behind store queues the
     * removal with its puts ({@link CheckpointStore#removeLater}), on the thread that puts; one removal transaction per
     * closed connection fell seconds behind a few hundred closes a second, and a client reusing a port then met its
     * old connection's checkpoint.
     */
    public void closed() {
        long version = lastVersion;
        tail = tail.thenRunAsync(() -> {
            try {
                config.store().removeLater(id, version);
            } catch (RuntimeException e) {
                log.warn("could not remove the checkpoint of {}: {}", id, e.toString());
            }
        }, config.writes());
    }

    private void syncSent(long sent) {
        long delta = sent - http.sentBytes();
        if (delta > 0) {
            http.sent(delta);
        }
    }

    /** Queues a checkpoint of the connection as it stands now behind its earlier writes. */
    private CompletableFuture<Void> write() {
        return write(false);
    }

    /**
     * As {@link #write()}, but the chain (and the returned future) completes only once the store has the checkpoint
     * durably ({@link CheckpointStore#putDurably}): a write-behind store has replicated it.
     */
    private CompletableFuture<Void> writeDurably() {
        return write(true);
    }

    private CompletableFuture<Void> write(boolean durable) {
        ConnectionCheckpoint checkpoint = checkpointer.checkpoint(clock.millis());
        lastVersion = checkpoint.version();
        CheckpointStore store = config.store();
        if (!durable && config.writes() == Checkpointing.INLINE && tail.isDone()) {
            // Nothing of this connection's is on its way, and a write-behind put only queues: put it now, without the
            // futures of a chain (the hot path of a keep-alive connection, a put per response).
            try {
                logged(checkpoint, store.putIfNewer(checkpoint), null);
            } catch (RuntimeException e) {
                logged(checkpoint, null, e);
            }
            return tail;
        }
        tail = tail.thenComposeAsync(v -> put(store, checkpoint, durable), config.writes());
        return tail;
    }

    /** One put; completes normally whatever happens, having logged what went wrong. */
    private CompletableFuture<Void> put(CheckpointStore store, ConnectionCheckpoint checkpoint, boolean durable) {
        CompletableFuture<PutResult> result;
        try {
            // A durable put is bounded, so that later writes of the connection (and its removal) go on should the
            // cluster stall.
            result = durable
                    ? store.putDurably(checkpoint).completeOnTimeout(null, DURABLE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                    : CompletableFuture.completedFuture(store.putIfNewer(checkpoint));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((r, t) -> logged(checkpoint, r, t));
    }

    /** Logs what went wrong with a put, if anything: {@code r} null for a durable put still unwritten. */
    private Void logged(ConnectionCheckpoint checkpoint, PutResult r, Throwable t) {
        if (t != null) {
            log.warn("could not store the checkpoint of {}: {}", id, t.toString());
        } else if (r == null) {
            log.debug("checkpoint {} v{} not yet written after {} ms", id, checkpoint.version(), DURABLE_WAIT_MILLIS);
        } else if (!r.stored()) {
            log.debug("checkpoint {} v{} not stored: {}", id, checkpoint.version(), r);
        }
        return null;
    }
}
