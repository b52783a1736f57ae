package dev.takeover.failover;

import dev.takeover.checkpoint.ClaimResult;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.kernel.FourTuple;
import dev.takeover.probe.OldSequenceProbe;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's side of one VIP takeover, on a thread of its own: claim the VIP in the directory (one survivor wins),
 * then claim its checkpointed connections, {@link #PART} per transaction in the order listed (after the first part,
 * {@link #CLAIM_THREADS} parts at once), and set aside those whose four-tuple a newer connection on this node holds.
 * Each part's connections can be rebuilt ({@link #awaitMine}) while the next part is claimed: one transaction for
 * thousands of connections kept every rebuild waiting for a second (BENCHMARKS, "Takeover scale"). The newer
 * connections are listed ({@code ss}) once {@link VipTakeover} reports the address up ({@link #addressUp}), beside the
 * claims rather than after them: the fork costs 10-90 ms on a loaded node.
 *
 * <p>Each of these cluster writes waits for the cache topology that follows a view change: 100-700 ms on a loaded
 * node. {@link VipTakeover} therefore puts the address up, sends gratuitous ARP and probes the clients meanwhile, and
 * only rebuilds a socket, which sends as the VIP, once {@link #result} says the connection is this node's. A probe
 * changes nothing at a client (an old-sequence ACK draws an ACK). Survivors agree on the taker of a VIP from the
 * same view, so the claim is lost only when two of them read the directory differently (a takeover's write in flight
 * as a second node dies): the loser takes the address off again, and until the winner's repeated gratuitous ARP
 * reaches them, clients that followed the loser's have their segments dropped by its guard and retransmit.
 *
 * <p>Thread-safe: {@link #result} and {@link #awaitMine} may be awaited from any number of threads.
 */
final class VipClaim {
    private static final Logger log = LoggerFactory.getLogger(VipClaim.class);

    /**
     * What the claim came to.
     *
     * @param won     whether this node now holds the VIP in the directory; if not, nothing else is set
     * @param mine    the connections this node claimed and will rebuild, with their checkpoints as claimed (possibly
     *                newer than the ones listed before)
     * @param dropped the claimed connections set aside because a newer connection here holds their four-tuple; their
     *                checkpoints are removed already
     */
    record Result(boolean won, Map<ConnectionId, ConnectionCheckpoint> mine, List<ConnectionCheckpoint> dropped) {
        static final Result LOST = new Result(false, Map.of(), List.of());
    }

    /** The established connections on a VIP here: {@code LocalSockets::established} in production. */
    @FunctionalInterface
    interface EstablishedConnections {
        Set<FourTuple> on(Inet4Address vip) throws IOException;
    }

    /**
     * Connections claimed per transaction. {@code -Dtakeover.claim-part=1000000} claims them all in one, as before, for
     * side-by-side measurements.
     */
    static final int PART = Math.max(1, Integer.getInteger("takeover.claim-part", 500));
    /**
     * Parts claimed at once: a part's transaction mostly waits for the other nodes (its lock requests and commit), so
     * a second one in flight keeps the claims going meanwhile. {@code -Dtakeover.claim-threads=1} claims one at a time,
     * as before, for side-by-side measurements.
     */
    static final int CLAIM_THREADS = Math.max(1, Integer.getInteger("takeover.claim-threads", 2));
    /** Tries at a part after the first, whose connections' neighbours may be rebuilt already: see {@link #claim}. */
    private static final int PART_ATTEMPTS = 3;
    private static final long PART_RETRY_PAUSE_MILLIS = 200;

    private final CompletableFuture<Result> result = new CompletableFuture<>();
    /** Whether this node won the VIP in the directory. */
    private final CompletableFuture<Boolean> won = new CompletableFuture<>();
    /** The listed connections in parts, each part's future completing with those of its connections this node keeps. */
    private final List<List<ConnectionCheckpoint>> parts = new ArrayList<>();
    private final List<CompletableFuture<Map<ConnectionId, ConnectionCheckpoint>>> claimed = new ArrayList<>();
    private final Map<ConnectionId, Integer> partOf = new HashMap<>();
    private final Inet4Address vip;
    private final EstablishedConnections sockets;
    /** This node's established connections on the VIP; null when they could not be listed. */
    private final CompletableFuture<Set<FourTuple>> live = new CompletableFuture<>();

    private VipClaim(Inet4Address vip, List<ConnectionCheckpoint> listed, int partSize, EstablishedConnections sockets) {
        this.vip = vip;
        this.sockets = sockets;
        for (int from = 0; from < listed.size(); from += partSize) {
            List<ConnectionCheckpoint> part = listed.subList(from, Math.min(listed.size(), from + partSize));
            part.forEach(c -> partOf.put(c.id(), parts.size()));
            parts.add(part);
            claimed.add(new CompletableFuture<>());
        }
    }

    /**
     * Starts claiming.
     *
     * @param expectedOwner what the directory records for the VIP now (null: nothing)
     * @param listed        the VIP's checkpoints as this node's replica lists them
     * @param sockets       lists the connections established here on the VIP, once {@link #addressUp} is called
     * @param onStep        told the name of each step as it ends ("directory", "claims", "ss")
     */
    static VipClaim start(Failover.Context ctx, Inet4Address vip, String expectedOwner, List<ConnectionCheckpoint> listed,
                          EstablishedConnections sockets, Consumer<String> onStep) {
        return start(ctx, vip, expectedOwner, listed, PART, sockets, onStep);
    }

    /** As above, {@code partSize} connections per transaction. */
    static VipClaim start(Failover.Context ctx, Inet4Address vip, String expectedOwner, List<ConnectionCheckpoint> listed,
                          int partSize, EstablishedConnections sockets, Consumer<String> onStep) {
        VipClaim claim = new VipClaim(vip, List.copyOf(listed), partSize, sockets);
        Thread.ofPlatform().name("claim-" + vip.getHostAddress()).daemon().start(() -> {
            try {
                claim.result.complete(claim.claim(ctx, expectedOwner, onStep));
            } catch (Throwable t) {
                claim.won.completeExceptionally(t);
                claim.claimed.forEach(part -> part.completeExceptionally(t)); // no-op for the parts claimed already
                claim.result.completeExceptionally(t);
            }
        });
        return claim;
    }

    /**
     * The VIP is on this node's interface now, so a newer connection on it can exist: lists them beside the claims.
     * Nothing to list when no connection was checkpointed.
     */
    void addressUp() {
        if (parts.isEmpty()) {
            live.complete(Set.of());
            return;
        }
        Thread.ofPlatform().name("ss-" + vip.getHostAddress()).daemon().start(() -> {
            try {
                live.complete(sockets.on(vip));
            } catch (IOException | RuntimeException e) {
                log.warn("cannot list the connections {} has here; keeping every checkpoint: {}", vip.getHostAddress(),
                        e.toString());
                live.complete(null);
            }
        });
    }

    /** The takeover ends (its address never came up, or it failed): a claim still waiting compares with nothing. */
    void abandon() {
        live.complete(null);
    }

    /**
     * Waits for the claim.
     *
     * @throws RuntimeException what the store threw (a lock or remote timeout): the takeover may be tried again
     */
    Result result() {
        return joined(result);
    }

    /**
     * Waits until the part of the claim that holds {@code id} is done (not for the rest).
     *
     * @return the listed connection's checkpoint as claimed, or null when it is not this node's to rebuild (the VIP
     *         went to another survivor, another node holds the connection, a newer connection here has its four-tuple,
     *         or it was not listed)
     * @throws RuntimeException what the store threw for the directory or the first part
     */
    ConnectionCheckpoint awaitMine(ConnectionId id) {
        Integer part = partOf.get(id);
        if (!joined(won) || part == null) {
            return null;
        }
        return joined(claimed.get(part)).get(id);
    }

    private static <T> T joined(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Claims the directory, then the parts in order. A store failure at the directory or the first part fails the
     * claim, and with it the takeover, which {@link Failover} tries again: nothing was rebuilt yet. A later part is
     * tried again here instead, since the connections of the parts before it may have their sockets already (a whole
     * new attempt would find them established here and set them aside as newer connections); after
     * {@value #PART_ATTEMPTS} failures its connections are left unclaimed, and their clients are reset once the guard
     * lifts.
     */
    private Result claim(Failover.Context ctx, String expectedOwner, Consumer<String> onStep) {
        if (!ctx.vips().claim(vip.getHostAddress(), expectedOwner, ctx.self())) {
            won.complete(false);
            claimed.forEach(part -> part.complete(Map.of()));
            return Result.LOST;
        }
        won.complete(true);
        onStep.accept("directory");
        Map<ConnectionId, ConnectionCheckpoint> mine = new ConcurrentHashMap<>();
        List<ConnectionCheckpoint> dropped = Collections.synchronizedList(new ArrayList<>());
        IntConsumer claimOne = p -> {
            Map<ConnectionId, ConnectionCheckpoint> part = claimPart(ctx, p);
            if (!part.isEmpty()) {
                dropped.addAll(withoutNewerConnections(ctx, part, live.join()));
            }
            mine.putAll(part);
            claimed.get(p).complete(Map.copyOf(part));
        };
        // The first part alone, on this thread: its failure fails the claim while nothing can have been rebuilt yet.
        // Then the rest in the order listed, CLAIM_THREADS at a time.
        if (!parts.isEmpty()) {
            claimOne.accept(0);
        }
        AtomicInteger next = new AtomicInteger(1);
        Runnable claimer = () -> {
            for (int p = next.getAndIncrement(); p < parts.size(); p = next.getAndIncrement()) {
                claimOne.accept(p);
            }
        };
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int t = 1; t < Math.min(CLAIM_THREADS, parts.size() - 1); t++) {
            String name = "claim-" + vip.getHostAddress() + "-" + t;
            others.add(CompletableFuture.runAsync(claimer, r -> Thread.ofPlatform().name(name).daemon().start(r)));
        }
        claimer.run();
        joined(CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)));
        onStep.accept("claims");
        return new Result(true, Map.copyOf(mine), List.copyOf(dropped));
    }

    /** The connections of part {@code p} that this node claimed (see {@link #claim} for failures). */
    private Map<ConnectionId, ConnectionCheckpoint> claimPart(Failover.Context ctx, int p) {
        List<ConnectionId> ids = parts.get(p).stream().map(ConnectionCheckpoint::id).toList();
        for (int attempt = 1; ; attempt++) {
            try {
                Map<ConnectionId, ConnectionCheckpoint> mine = new HashMap<>();
                ctx.store().claimAll(ids, ctx.self()).forEach((id, r) -> {
                    if (r instanceof ClaimResult.Claimed c) {
                        mine.put(id, c.checkpoint());
                    }
                });
                return mine;
            } catch (RuntimeException e) {
                if (p == 0) {
                    throw e;
                }
                if (attempt == PART_ATTEMPTS) {
                    log.warn("{}: {} connections left unclaimed after {} failed attempts, to be reset: {}",
                            vip.getHostAddress(), ids.size(), attempt, e.toString());
                    return Map.of();
                }
                log.info("{}: claiming {} connections failed (attempt {} of {}), trying again: {}", vip.getHostAddress(),
                        ids.size(), attempt, PART_ATTEMPTS, e.toString());
                try {
                    Thread.sleep(PART_RETRY_PAUSE_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Removes from {@code mine}, and from the store, the connections whose four-tuple is an established connection
     * here already: the client opened it to this node, from the port of a connection that had closed on the dead node
     * but whose checkpoint outlived it. A reset meant for the old one would kill the new one.
     *
     * @param live the connections established here, or null when they are unknown (every checkpoint is kept)
     * @return the removed ones
     */
    private static List<ConnectionCheckpoint> withoutNewerConnections(Failover.Context ctx,
                                                                      Map<ConnectionId, ConnectionCheckpoint> mine,
                                                                      Set<FourTuple> live) {
        if (live == null) {
            return List.of();
        }
        List<ConnectionCheckpoint> dropped = new ArrayList<>();
        mine.values().removeIf(c -> {
            if (!live.contains(OldSequenceProbe.tuple(c))) {
                return false;
            }
            dropped.add(c);
            VipTakeover.forget(ctx, c);
            return true;
        });
        return dropped;
    }
}
