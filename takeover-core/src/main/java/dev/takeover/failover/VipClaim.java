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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's side of one VIP takeover, on threads of its own: claim the VIP in the directory (one survivor wins),
 * then claim its checkpointed connections, {@link #PART} per transaction, {@link #CLAIM_THREADS} transactions at once.
 *
 * <p><b>The directory decides; the connections' claims follow.</b> Once this node holds the VIP in the directory, its
 * connections are this node's to rebuild ({@link #awaitMine}), each from the checkpoint listed from this node's
 * replica: nobody else can take a connection of a VIP it does not hold, and the dead node can no longer write. The
 * connections' claims, which fence the entries against a falsely suspected owner's late writes, are written after the
 * rebuilds ({@link #claimConnections}): on a loaded survivor, 5 000 connections took 0.5-1.3 s to claim, and every
 * rebuild that waited for its part's claim waited that long (BENCHMARKS, "Takeover scale"). A listed checkpoint older
 * than the stored one (the dead node's last write, arriving after the listing) is safe to resume from: the client's
 * answer to the probe, not the checkpoint, says where each side stands, as when the dead node's last checkpoints died
 * with it. A claim held by the dead node itself (it died while taking the connection over) is released and claimed
 * again.
 *
 * <p>A connection whose four-tuple an established connection on this node holds already is set aside: the client
 * opened it to this node, from the port of a connection that had closed on the dead node but whose checkpoint outlived
 * it, and a reset meant for the old one would kill the new one. Those connections are listed ({@code ss}) once {@link
 * VipTakeover} reports the address up ({@link #addressUp}), beside the directory's claim (the fork costs 10-90 ms on a
 * loaded node), and before any rebuild, whose own sockets the listing must not see.
 *
 * <p>The directory's write waits for the cache topology that follows a view change: 100-700 ms on a loaded node.
 * {@link VipTakeover} therefore puts the address up, sends gratuitous ARP and probes the clients meanwhile, and only
 * rebuilds a socket, which sends as the VIP, once the directory says the VIP is this node's. A probe changes nothing at
 * a client (an old-sequence ACK draws an ACK). Survivors agree on the taker of a VIP from the same view, so the claim
 * is lost only when two of them read the directory differently (a takeover's write in flight as a second node dies):
 * the loser takes the address off again, and until the winner's repeated gratuitous ARP reaches them, clients that
 * followed the loser's have their segments dropped by its guard and retransmit.
 *
 * <p>Thread-safe: {@link #won}, {@link #awaitMine} and {@link #result} may be awaited from any number of threads.
 */
final class VipClaim {
    private static final Logger log = LoggerFactory.getLogger(VipClaim.class);

    /**
     * What the connections' claims came to.
     *
     * @param won       whether this node now holds the VIP in the directory; if not, nothing was claimed
     * @param claimed   how many listed connections this node holds the claim of now
     * @param unclaimed how many listed connections were neither claimed here nor gone (the store failed, or another
     *                  node holds their claim): rebuilt all the same, but not fenced
     */
    record Result(boolean won, int claimed, int unclaimed) {
        static final Result LOST = new Result(false, 0, 0);
    }

    /** The established connections on a VIP here: {@code LocalSockets::established} in production. */
    @FunctionalInterface
    interface EstablishedConnections {
        Set<FourTuple> on(Inet4Address vip) throws IOException;
    }

    /** Connections claimed per transaction ({@code -Dtakeover.claim-part}). */
    static final int PART = Math.max(1, Integer.getInteger("takeover.claim-part", 500));
    /**
     * Parts claimed at once: a part's transaction mostly waits for the other nodes (its lock requests and commit), so
     * a second one in flight keeps the claims going meanwhile ({@code -Dtakeover.claim-threads}).
     */
    static final int CLAIM_THREADS = Math.max(1, Integer.getInteger("takeover.claim-threads", 2));
    /** Tries at a part before its connections are left unclaimed. */
    static final int PART_ATTEMPTS = 3;
    private static final long PART_RETRY_PAUSE_MILLIS = 200;

    private final CompletableFuture<Result> result = new CompletableFuture<>();
    /** Whether this node won the VIP in the directory. */
    private final CompletableFuture<Boolean> won = new CompletableFuture<>();
    /** Completed when the connections may be claimed: see {@link #claimConnections}. */
    private final CompletableFuture<Void> connectionsGo = new CompletableFuture<>();
    private final Map<ConnectionId, ConnectionCheckpoint> listed = new LinkedHashMap<>();
    private final List<List<ConnectionId>> parts = new ArrayList<>();
    private final Failover.Context ctx;
    private final Inet4Address vip;
    /** The node the VIP is taken from: a claim it holds is released. */
    private final String from;
    private final EstablishedConnections sockets;
    /** This node's established connections on the VIP; null when they could not be listed. */
    private final CompletableFuture<Set<FourTuple>> live = new CompletableFuture<>();
    private final List<ConnectionCheckpoint> dropped = Collections.synchronizedList(new ArrayList<>());

    private VipClaim(Failover.Context ctx, Inet4Address vip, String from, List<ConnectionCheckpoint> listed,
                     int partSize, EstablishedConnections sockets) {
        this.ctx = ctx;
        this.vip = vip;
        this.from = from;
        this.sockets = sockets;
        listed.forEach(c -> this.listed.put(c.id(), c));
        List<ConnectionId> ids = List.copyOf(this.listed.keySet());
        for (int start = 0; start < ids.size(); start += partSize) {
            parts.add(ids.subList(start, Math.min(ids.size(), start + partSize)));
        }
    }

    /**
     * Starts claiming.
     *
     * @param from          the node the VIP is taken from
     * @param expectedOwner what the directory records for the VIP now (null: nothing)
     * @param listed        the VIP's checkpoints as this node's replica lists them
     * @param sockets       lists the connections established here on the VIP, once {@link #addressUp} is called
     * @param onStep        told the name of each step as it ends ("directory", "claims")
     */
    static VipClaim start(Failover.Context ctx, Inet4Address vip, String from, String expectedOwner,
                          List<ConnectionCheckpoint> listed, EstablishedConnections sockets, Consumer<String> onStep) {
        return start(ctx, vip, from, expectedOwner, listed, PART, sockets, onStep);
    }

    /** As above, {@code partSize} connections per transaction. */
    static VipClaim start(Failover.Context ctx, Inet4Address vip, String from, String expectedOwner,
                          List<ConnectionCheckpoint> listed, int partSize, EstablishedConnections sockets,
                          Consumer<String> onStep) {
        VipClaim claim = new VipClaim(ctx, vip, from, listed, partSize, sockets);
        Thread.ofPlatform().name("claim-" + vip.getHostAddress()).daemon().start(() -> {
            try {
                claim.result.complete(claim.claim(expectedOwner, onStep));
            } catch (Throwable t) {
                claim.won.completeExceptionally(t); // no-op once the directory's claim is done
                claim.result.completeExceptionally(t);
            }
        });
        return claim;
    }

    /**
     * The VIP is on this node's interface now, so a newer connection on it can exist: lists them beside the
     * directory's claim. Nothing to list when no connection was checkpointed.
     */
    void addressUp() {
        if (listed.isEmpty()) {
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

    /**
     * Lets the connections' claims begin, once the directory is won: {@link VipTakeover} calls it when its sockets are
     * rebuilt, so that the claims' transactions (and the other nodes' work applying them) do not take the CPU from the
     * rebuilds. Until a claim lands, the connection's entry is not fenced; a falsely suspected owner is in a minority
     * meanwhile, where the store refuses its writes.
     */
    void claimConnections() {
        connectionsGo.complete(null);
    }

    /**
     * The takeover ends (its address never came up, or it failed): nothing compares with established connections, and
     * the connections are claimed if the directory was won, since some may be rebuilt.
     */
    void abandon() {
        live.complete(null);
        connectionsGo.complete(null);
    }

    /**
     * Waits for the directory.
     *
     * @return whether this node holds the VIP
     * @throws RuntimeException what the store threw (a lock or remote timeout): the takeover may be tried again, since
     *                          nothing was rebuilt
     */
    boolean won() {
        return joined(won);
    }

    /**
     * Waits for the directory, and for the listing of this node's connections.
     *
     * @return the listed connection's checkpoint, to rebuild it from; null when it is not this node's to rebuild (the
     *         VIP went to another survivor, it was not listed, or a newer connection here has its four-tuple: then it
     *         is set aside, see {@link #dropped})
     * @throws RuntimeException what the store threw for the directory
     */
    ConnectionCheckpoint awaitMine(ConnectionId id) {
        ConnectionCheckpoint c = listed.get(id);
        if (c == null || !won()) {
            return null;
        }
        Set<FourTuple> here = live.join();
        if (here != null && here.contains(OldSequenceProbe.tuple(c))) {
            dropped.add(c);
            VipTakeover.forget(ctx, c);
            return null;
        }
        return c;
    }

    /**
     * The connections {@link #awaitMine} has set aside so far, because a newer connection here holds their four-tuple;
     * their checkpoints are removed already.
     */
    List<ConnectionCheckpoint> dropped() {
        return List.copyOf(dropped);
    }

    /**
     * Waits until every part is claimed or given up.
     *
     * @throws RuntimeException what the store threw for the directory
     */
    Result result() {
        return joined(result);
    }

    /**
     * Claims the directory, then (once {@link #claimConnections}) the parts, {@link #CLAIM_THREADS} at a time. A store
     * failure at the directory fails the claim, and with it the takeover, which {@link Failover} tries again: nothing
     * was rebuilt yet. A part is tried again here instead ({@value #PART_ATTEMPTS} times), since its connections are
     * rebuilt already; after that they stay unclaimed.
     */
    private Result claim(String expectedOwner, Consumer<String> onStep) {
        if (!ctx.vips().claim(vip.getHostAddress(), expectedOwner, ctx.self())) {
            won.complete(false);
            return Result.LOST;
        }
        won.complete(true);
        onStep.accept("directory");
        connectionsGo.join();
        AtomicInteger claimed = new AtomicInteger();
        AtomicInteger unclaimed = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        Runnable claimer = () -> {
            for (int p = next.getAndIncrement(); p < parts.size(); p = next.getAndIncrement()) {
                unclaimed.addAndGet(claimPart(parts.get(p), claimed));
            }
        };
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int t = 1; t < Math.min(CLAIM_THREADS, parts.size()); t++) {
            String name = "claim-" + vip.getHostAddress() + "-" + t;
            others.add(CompletableFuture.runAsync(claimer, r -> Thread.ofPlatform().name(name).daemon().start(r)));
        }
        claimer.run();
        joined(CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)));
        onStep.accept("claims");
        if (unclaimed.get() > 0) {
            log.warn("{}: {} connections left without this node's claim (not fenced against a late write)",
                    vip.getHostAddress(), unclaimed.get());
        }
        return new Result(true, claimed.get(), unclaimed.get());
    }

    /**
     * Claims {@code ids}, counting the claims in {@code claimed}; a claim the node taken from holds is released and
     * claimed again.
     *
     * @return how many stay unclaimed: the store failed {@value #PART_ATTEMPTS} times, or another node holds them
     */
    private int claimPart(List<ConnectionId> ids, AtomicInteger claimed) {
        Map<ConnectionId, ClaimResult> results = claimAll(ids);
        if (results == null) {
            return ids.size();
        }
        List<ConnectionId> heldByDead = ids.stream().filter(id -> results.get(id) instanceof ClaimResult.AlreadyClaimed a
                && a.byNode().equals(from) && released(id)).toList();
        if (!heldByDead.isEmpty()) {
            Map<ConnectionId, ClaimResult> again = claimAll(heldByDead);
            heldByDead.forEach(id -> results.put(id, again == null ? null : again.get(id)));
        }
        int unclaimed = 0;
        for (Map.Entry<ConnectionId, ClaimResult> e : results.entrySet()) {
            switch (e.getValue()) {
                case ClaimResult.Claimed c -> claimed.incrementAndGet();
                case ClaimResult.NotFound n -> { } // closed, or set aside, since it was listed
                case null, default -> unclaimed++; // held by another node, or the store failed
            }
        }
        return unclaimed;
    }

    private boolean released(ConnectionId id) {
        try {
            return ctx.store().release(id, from);
        } catch (RuntimeException e) {
            log.info("{}: cannot release {}'s claim on {}: {}", vip.getHostAddress(), from, id, e.toString());
            return false;
        }
    }

    /** The store's claims of {@code ids}, in a new map; null when it failed {@value #PART_ATTEMPTS} times. */
    private Map<ConnectionId, ClaimResult> claimAll(List<ConnectionId> ids) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new HashMap<>(ctx.store().claimAll(ids, ctx.self()));
            } catch (RuntimeException e) {
                if (attempt >= PART_ATTEMPTS) {
                    log.warn("{}: {} connections left unclaimed after {} failed attempts: {}", vip.getHostAddress(),
                            ids.size(), attempt, e.toString());
                    return null;
                }
                log.info("{}: claiming {} connections failed (attempt {} of {}), trying again: {}", vip.getHostAddress(),
                        ids.size(), attempt, PART_ATTEMPTS, e.toString());
                try {
                    Thread.sleep(PART_RETRY_PAUSE_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    private static <T> T joined(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
