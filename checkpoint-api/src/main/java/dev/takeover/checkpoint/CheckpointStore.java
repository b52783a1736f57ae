package dev.takeover.checkpoint;

import java.net.Inet4Address;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where nodes keep the checkpoints of their client connections, so that a survivor can take a dead node's
 * connections over. A clustered implementation replicates every write to the other nodes before returning;
 * {@code LocalCheckpointStore} keeps them in this JVM for a node running alone and for tests.
 *
 * <p><b>Entries.</b> The store holds at most one checkpoint per {@link ConnectionId}, the one with the highest
 * version written so far, and optionally a <em>claim</em> on it: the name of the one node taking it over.
 *
 * <p><b>Versions.</b> A write takes effect only if its version is strictly greater than the stored one
 * ({@link #putIfNewer}); a removal only if its version is at least the stored one ({@link #remove}). So a delayed
 * or repeated write never replaces a newer checkpoint, and a late removal never deletes a newer incarnation.
 *
 * <p><b>Claims.</b> {@link #claim} lets exactly one node take a connection over: the first claimant wins, every
 * other node gets {@link ClaimResult.AlreadyClaimed}. While the claim holds, the store <em>fences</em> the entry:
 * writes of checkpoints owned by any other node are refused with {@link PutResult.Fenced}, so a falsely suspected
 * owner cannot overwrite the claimant's state. The claim ends when the claimant writes a checkpoint under its own
 * name (ownership has moved and the entry is claimable again, should the claimant die in turn), when the entry is
 * removed, or when it is released ({@link #release}, {@link #releaseClaims} for a claimant that left the cluster
 * without finishing).
 *
 * <p><b>Atomicity.</b> Every method is atomic with respect to the entries it touches: a read sees each entry either
 * before or after any concurrent write. {@link #putBundle} writes all its entries or none, and {@link #getAll} reads
 * its entries as one snapshot, so it never observes part of a bundle. {@link #listByVip} is weakly consistent: it
 * reflects every write completed before it began, and each returned checkpoint was stored at some point, but a bundle
 * written concurrently may be seen in part; read a bundle's members again with {@code getAll} if that matters.
 *
 * <p><b>Ordering.</b> Writes to one connection are applied in a single total order, the same on every node;
 * listeners see each connection's changes in that order.
 *
 * <p><b>Thread safety.</b> Every method may be called from any thread. Implementations never call listeners while
 * holding a lock a caller could be waiting for: a listener may call back into the store.
 *
 * <p><b>Failures.</b> An operation that cannot complete (for a clustered store: no quorum, timeout, node leaving)
 * throws {@link CheckpointStoreException}; its effect is then unknown. Every write can be retried with the same
 * arguments: a repeated {@code putIfNewer} answers {@code Stale} with the version it wrote, a repeated
 * {@code claim} by the same claimant answers {@code Claimed} again, a repeated {@code remove} answers {@code false}.
 * Arguments are checked first: {@code null} throws {@link NullPointerException}, a bad value
 * {@link IllegalArgumentException}. After {@link #close()} every method but {@code close} throws
 * {@link IllegalStateException}.
 */
public interface CheckpointStore extends AutoCloseable {

    /**
     * Stores {@code checkpoint} unless the store holds a checkpoint of the same connection with a version
     * {@code >= checkpoint.version()}, or the connection is claimed by a node other than
     * {@code checkpoint.ownerNode()}. If the checkpoint is stored and its owner is the claimant, the claim ends.
     * The claim is checked before the version.
     *
     * @return {@link PutResult.Stored}, {@link PutResult.Stale} with the stored version, or {@link PutResult.Fenced}
     *         with the claimant
     * @throws CheckpointStoreException if the write could not be completed; it may have taken effect
     */
    PutResult putIfNewer(ConnectionCheckpoint checkpoint);

    /**
     * Stores every checkpoint of {@code bundle} or none: each entry must pass the {@link #putIfNewer} rules, and if
     * one does not, nothing is written and the result names the first such entry (in bundle order). No reader ever
     * observes some entries written and others not ({@link #getAll}). Listeners get one {@code Stored} event per
     * entry, in bundle order.
     *
     * @return {@link PutResult.Stored} if all were stored, else the {@code Stale} or {@code Fenced} of the first
     *         entry that failed
     * @throws CheckpointStoreException if the write could not be completed; it may have taken effect, entirely
     */
    PutResult putBundle(Bundle bundle);

    /**
     * Removes the checkpoint of {@code id}, and any claim on it, if the stored version is {@code <= version}.
     * Removal is not fenced by a claim: whoever knows the stored version may end the connection's record (the
     * client closed, or a takeover found it reset); a claimant that still has the connection writes it again.
     *
     * @param version the version the caller knows; a removal with an older version leaves a newer checkpoint alone
     * @return whether a checkpoint was removed
     * @throws CheckpointStoreException if the removal could not be completed; it may have taken effect
     */
    boolean remove(ConnectionId id, long version);

    /**
     * {@link #remove}, for a caller that does not wait for the outcome (a connection that closed): a store whose
     * writes go behind ({@code checkpoint.replication: async} or {@code batched}) queues it with them and returns at
     * once, so that removals keep pace with connections closing; until it is written, this store's own reads no longer
     * see the removed checkpoint. Such a queued removal is lost if the node crashes, which leaves a checkpoint of a
     * closed connection: a survivor's probe finds it reset. The default removes at once.
     *
     * @throws CheckpointStoreException as {@link #remove}, from a store that removes at once
     */
    default void removeLater(ConnectionId id, long version) {
        remove(id, version);
    }

    /** The stored checkpoint of {@code id}, if any. */
    Optional<ConnectionCheckpoint> get(ConnectionId id);

    /**
     * The stored checkpoints of {@code ids}, read as one atomic snapshot: in particular a bundle is seen entirely as
     * written or not at all. Connections without a checkpoint are absent from the map.
     *
     * @return an unmodifiable map
     */
    Map<ConnectionId, ConnectionCheckpoint> getAll(Collection<ConnectionId> ids);

    /**
     * The stored checkpoints of every connection of virtual IP {@code vip}, in no particular order (weakly
     * consistent, see the class description).
     *
     * @return an unmodifiable list
     */
    List<ConnectionCheckpoint> listByVip(Inet4Address vip);

    /**
     * Claims connection {@code id} for node {@code claimant}, which intends to take it over. Exactly one node wins:
     * the first to claim. Claiming again as the holder of the claim succeeds again (so a claim can be retried).
     *
     * @param claimant the claiming node's name; not empty
     * @return {@link ClaimResult.Claimed} with the checkpoint to resume from, {@link ClaimResult.AlreadyClaimed}
     *         naming the holder, or {@link ClaimResult.NotFound} if no checkpoint is stored for {@code id}
     * @throws CheckpointStoreException if the claim could not be completed; it may have taken effect
     */
    ClaimResult claim(ConnectionId id, String claimant);

    /**
     * {@link #putIfNewer}, with a future that completes once the checkpoint is as safe as this store makes anything:
     * for a store whose {@code putIfNewer} answers before the cluster has the checkpoint (a write-behind queue), once
     * it is written to the cluster; for the others at once. A proxy waits on it before a response's first byte, so
     * that a node taking the connection over knows that response.
     *
     * <p>The future completes with the result of the write that covered the checkpoint (a newer checkpoint of the
     * same connection covers it too); it may never complete while the cluster cannot be written, so callers bound
     * their wait.
     *
     * @throws CheckpointStoreException as {@link #putIfNewer}, for a store that writes at once
     */
    default CompletableFuture<PutResult> putDurably(ConnectionCheckpoint checkpoint) {
        return CompletableFuture.completedFuture(putIfNewer(checkpoint));
    }

    /**
     * Claims each connection of {@code ids} for {@code claimant}, with the outcome {@link #claim} would give it, in
     * one step: a takeover claims every connection of a virtual IP at once, and one round trip for all of them is
     * what keeps a takeover of thousands of connections fast. Each connection is claimed or not on its own; the
     * call is not all-or-nothing, except that on an exception it may have claimed any of them (retry it).
     *
     * <p>The default claims one connection at a time; a distributed store overrides it.
     *
     * @param ids      the connections; duplicates count once
     * @param claimant the claiming node's name; not empty
     * @return the result of each distinct id, unmodifiable
     * @throws CheckpointStoreException if the claims could not be completed; some may have taken effect
     */
    default Map<ConnectionId, ClaimResult> claimAll(Collection<ConnectionId> ids, String claimant) {
        Map<ConnectionId, ClaimResult> results = new LinkedHashMap<>();
        for (ConnectionId id : ids) {
            results.computeIfAbsent(id, i -> claim(i, claimant));
        }
        return Collections.unmodifiableMap(results);
    }

    /** The node holding the claim on {@code id}, if it is claimed. */
    Optional<String> claimant(ConnectionId id);

    /**
     * Gives up {@code claimant}'s claim on {@code id} (a takeover that could not proceed but left the connection
     * possibly alive). Nothing happens if {@code claimant} does not hold the claim.
     *
     * @return whether a claim was released
     */
    boolean release(ConnectionId id, String claimant);

    /**
     * Releases every claim held by {@code claimant}, so other nodes can claim those connections: call it when that
     * node has left the cluster in the middle of taking over.
     *
     * @return how many claims were released
     */
    int releaseClaims(String claimant);

    /**
     * Subscribes {@code listener} to every change applied to the store from now on, whichever node made it.
     * Events are delivered after the change is visible to readers, one at a time per listener, in the order the
     * changes were applied for each connection, on a thread of the store's choosing (possibly a writing thread;
     * a store may deliver after the write has returned). A listener that throws is logged and stays subscribed.
     *
     * @return the subscription; closing it stops delivery
     */
    Registration addListener(CheckpointListener listener);

    /**
     * Releases this store's resources and drops its listeners. Checkpoints held by a clustered store stay with the
     * other nodes. Idempotent.
     */
    @Override
    void close();
}
