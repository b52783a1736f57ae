package dev.takeover.failover;

import dev.takeover.checkpoint.ClaimResult;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.kernel.FourTuple;
import dev.takeover.probe.OldSequenceProbe;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's side of one VIP takeover, on a thread of its own: claim the VIP in the directory (one survivor wins),
 * then claim its checkpointed connections (one transaction), then set aside those whose four-tuple a newer connection
 * on this node holds. The newer connections are listed ({@code ss}) once {@link VipTakeover} reports the address up
 * ({@link #addressUp}), beside the claims rather than after them: the fork costs 10-90 ms on a loaded node.
 *
 * <p>Each of these cluster writes waits for the cache topology that follows a view change: 100-700 ms on a loaded
 * node. {@link VipTakeover} therefore puts the address up, sends gratuitous ARP and probes the clients meanwhile, and
 * only rebuilds a socket, which sends as the VIP, once {@link #result} says the connection is this node's. A probe
 * changes nothing at a client (an old-sequence ACK draws an ACK). Survivors agree on the taker of a VIP from the
 * same view, so the claim is lost only when two of them read the directory differently (a takeover's write in flight
 * as a second node dies): the loser takes the address off again, and until the winner's repeated gratuitous ARP
 * reaches them, clients that followed the loser's have their segments dropped by its guard and retransmit.
 *
 * <p>Thread-safe: {@link #result} may be awaited from any number of threads.
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

        /** @return the claimed checkpoint of {@code id}, or null when the connection is not this node's to rebuild */
        ConnectionCheckpoint mine(ConnectionId id) {
            return mine.get(id);
        }
    }

    /** The established connections on a VIP here: {@code LocalSockets::established} in production. */
    @FunctionalInterface
    interface EstablishedConnections {
        Set<FourTuple> on(Inet4Address vip) throws IOException;
    }

    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final Inet4Address vip;
    private final boolean anyListed;
    private final EstablishedConnections sockets;
    /** This node's established connections on the VIP; null when they could not be listed. */
    private final CompletableFuture<Set<FourTuple>> live = new CompletableFuture<>();

    private VipClaim(Inet4Address vip, boolean anyListed, EstablishedConnections sockets) {
        this.vip = vip;
        this.anyListed = anyListed;
        this.sockets = sockets;
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
        VipClaim claim = new VipClaim(vip, !listed.isEmpty(), sockets);
        Thread.ofPlatform().name("claim-" + vip.getHostAddress()).daemon().start(() -> {
            try {
                claim.result.complete(claim.claim(ctx, expectedOwner, listed, onStep));
            } catch (Throwable t) {
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
        if (!anyListed) {
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
        try {
            return result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private Result claim(Failover.Context ctx, String expectedOwner, List<ConnectionCheckpoint> listed,
                         Consumer<String> onStep) {
        if (!ctx.vips().claim(vip.getHostAddress(), expectedOwner, ctx.self())) {
            return Result.LOST;
        }
        onStep.accept("directory");
        Map<ConnectionId, ConnectionCheckpoint> mine = new HashMap<>();
        if (!listed.isEmpty()) {
            ctx.store().claimAll(listed.stream().map(ConnectionCheckpoint::id).toList(), ctx.self()).forEach((id, r) -> {
                if (r instanceof ClaimResult.Claimed claimed) {
                    mine.put(id, claimed.checkpoint());
                }
            });
        }
        onStep.accept("claims");
        List<ConnectionCheckpoint> dropped = mine.isEmpty() ? List.of() : withoutNewerConnections(ctx, mine, live.join());
        onStep.accept("ss");
        return new Result(true, Map.copyOf(mine), List.copyOf(dropped));
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
