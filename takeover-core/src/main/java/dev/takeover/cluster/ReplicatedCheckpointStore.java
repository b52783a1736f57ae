package dev.takeover.cluster;

import dev.takeover.checkpoint.Bundle;
import dev.takeover.checkpoint.CheckpointListener;
import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ClaimResult;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.PutResult;
import dev.takeover.checkpoint.Registration;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.infinispan.partitionhandling.AvailabilityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CheckpointStore} of a cluster: a replicated Infinispan cache, every node holding every checkpoint.
 *
 * <p><b>Data.</b> One cache entry per connection, key {@link ConnectionId#key()}, value a {@link StoredEntry} as
 * bytes: the checkpoint ({@code CheckpointCodec} form) together with its claim, so a claim and the fence it sets
 * change atomically with the checkpoint.
 *
 * <p><b>Atomicity.</b> Every operation that reads before it writes runs in a pessimistic transaction: it first
 * locks the entries it touches at their primary owner (in key order, so two bundles cannot deadlock), reads this
 * node's replica, decides, and commits to every node synchronously. A primary owner keeps the lock until the
 * writer has heard that every node applied the commit, so a lock holder's local read is the latest value on any
 * node; version checks, claims and bundles are therefore atomic cluster-wide, and {@link #getAll} (which locks
 * too) is a true snapshot. Single reads ({@link #get}, {@link #claimant}) and {@link #listByVip} read the local
 * replica without locks: a write that has returned on any node is visible there.
 *
 * <p><b>Availability.</b> In a partition without a majority of the last stable membership the cache denies reads
 * and writes: every operation then throws {@link CheckpointStoreException}, as do lock timeouts and a node leaving
 * in the middle of a commit. Every write can be retried (see {@link CheckpointStore}).
 *
 * <p><b>Events.</b> See {@link CheckpointEvents}: listeners hear of every change applied to this node's replica,
 * whichever node wrote it, on one delivery thread.
 *
 * <p>Thread-safe. Closing the store detaches it from the cache; the cache and its data stay with the node.
 */
public final class ReplicatedCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedCheckpointStore.class);

    private final String nodeName;
    private final AdvancedCache<String, byte[]> local;
    private final AdvancedCache<String, byte[]> locking;
    private final AdvancedCache<String, byte[]> writing;
    private final TransactionManager tm;
    private final CheckpointEvents events;
    private volatile boolean closed;

    /**
     * @param cache    the replicated, transactional (pessimistic) checkpoint cache, running
     * @param nodeName this node's name, for diagnostics
     */
    ReplicatedCheckpointStore(Cache<String, byte[]> cache, String nodeName) {
        Objects.requireNonNull(cache, "cache");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        AdvancedCache<String, byte[]> advanced = cache.getAdvancedCache();
        this.tm = Objects.requireNonNull(advanced.getTransactionManager(), "the checkpoint cache is transactional");
        this.local = advanced.withFlags(Flag.CACHE_MODE_LOCAL, Flag.SKIP_LOCKING);
        this.locking = advanced.withFlags(Flag.FORCE_WRITE_LOCK);
        this.writing = advanced.withFlags(Flag.IGNORE_RETURN_VALUES);
        this.events = CheckpointEvents.open(cache, nodeName);
    }

    @Override
    public PutResult putIfNewer(ConnectionCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        String key = checkpoint.id().key();
        return transaction("putIfNewer " + key, () -> {
            PutResult result = check(lockAndRead(key), checkpoint);
            if (result.stored()) {
                writing.put(key, StoredEntry.stored(checkpoint, null).encode());
            }
            return result;
        });
    }

    /**
     * Writes each checkpoint by the {@link #putIfNewer} rules, all in one transaction: each is decided on its own
     * (this is not a bundle: some may be stored and others not), but they share one lock request per primary owner
     * and one commit. For the write-behind queue, which drains in batches.
     *
     * @param checkpoints at most one per connection
     * @return the result of each, in order
     * @throws CheckpointStoreException if the transaction failed; none of them was written
     */
    List<PutResult> putEachIfNewer(List<ConnectionCheckpoint> checkpoints) {
        List<String> keys = checkpoints.stream().map(c -> c.id().key()).toList();
        if (new HashSet<>(keys).size() != keys.size()) {
            throw new IllegalArgumentException("one checkpoint per connection in a batch");
        }
        return transaction("putEachIfNewer of " + keys.size(), () -> {
            // One lock command per primary owner. Two batches locking the same connections from two nodes could
            // wait on each other until the lock timeout; a connection has one writer, so that is rare, and the
            // queue retries.
            Map<String, byte[]> current = locking.getAll(new TreeSet<>(keys));
            List<PutResult> results = new ArrayList<>(checkpoints.size());
            for (ConnectionCheckpoint c : checkpoints) {
                byte[] value = current.get(c.id().key());
                PutResult result = check(value == null ? null : StoredEntry.decode(value), c);
                if (result.stored()) {
                    writing.put(c.id().key(), StoredEntry.stored(c, null).encode());
                }
                results.add(result);
            }
            return results;
        });
    }

    @Override
    public PutResult putBundle(Bundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        List<String> keys = bundle.ids().stream().map(ConnectionId::key).toList();
        return transaction("putBundle " + bundle.bundleId(), () -> {
            Map<String, StoredEntry> current = lockAndReadAll(keys);
            for (ConnectionCheckpoint c : bundle.checkpoints()) {
                PutResult result = check(current.get(c.id().key()), c);
                if (!result.stored()) {
                    return result;
                }
            }
            long stamp = ThreadLocalRandom.current().nextLong();
            for (int i = 0; i < keys.size(); i++) {
                StoredEntry.BundleMark mark = new StoredEntry.BundleMark(stamp, i, keys);
                writing.put(keys.get(i), StoredEntry.stored(bundle.checkpoints().get(i), mark).encode());
            }
            return PutResult.Stored.INSTANCE;
        });
    }

    @Override
    public boolean remove(ConnectionId id, long version) {
        Objects.requireNonNull(id, "id");
        String key = id.key();
        return transaction("remove " + key, () -> removeIfCovered(key, lockAndRead(key), version));
    }

    /** Removes the locked entry {@code e} of {@code key} (null: absent) if its version is at most {@code version}. */
    private boolean removeIfCovered(String key, StoredEntry e, long version) {
        if (e == null || e.checkpoint().version() > version) {
            return false;
        }
        writing.remove(key);
        return true;
    }

    /**
     * Removes each checkpoint by the {@link #remove} rules, all in one transaction: one lock request per primary owner
     * and one commit. For the write-behind queue's removals.
     *
     * @param versions per connection, the version up to which its stored checkpoint goes
     * @return how many were removed
     * @throws CheckpointStoreException if the transaction failed; none of them was removed
     */
    int removeEach(Map<ConnectionId, Long> versions) {
        TreeMap<String, Long> byKey = new TreeMap<>();
        versions.forEach((id, version) -> byKey.put(id.key(), version));
        if (byKey.isEmpty()) {
            return 0;
        }
        return transaction("removeEach of " + byKey.size(), () -> {
            Map<String, byte[]> current = lockByOwner(byKey.navigableKeySet());
            int removed = 0;
            for (Map.Entry<String, Long> e : byKey.entrySet()) {
                byte[] value = current.get(e.getKey());
                if (removeIfCovered(e.getKey(), value == null ? null : StoredEntry.decode(value), e.getValue())) {
                    removed++;
                }
            }
            return removed;
        });
    }

    @Override
    public Optional<ConnectionCheckpoint> get(ConnectionId id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(readLocal(id.key())).map(StoredEntry::checkpoint);
    }

    @Override
    public Map<ConnectionId, ConnectionCheckpoint> getAll(Collection<ConnectionId> ids) {
        List<ConnectionId> wanted = List.copyOf(ids);
        checkOpen();
        if (wanted.isEmpty()) {
            return Map.of();
        }
        List<String> keys = wanted.stream().map(ConnectionId::key).distinct().toList();
        Map<String, StoredEntry> read = keys.size() == 1
                ? single(keys.getFirst(), readLocal(keys.getFirst()))
                : transaction("getAll", () -> lockAndReadAll(keys));
        Map<ConnectionId, ConnectionCheckpoint> found = new HashMap<>();
        read.forEach((key, e) -> {
            if (e != null) {
                found.put(e.checkpoint().id(), e.checkpoint());
            }
        });
        return Map.copyOf(found);
    }

    @Override
    public List<ConnectionCheckpoint> listByVip(Inet4Address vip) {
        Objects.requireNonNull(vip, "vip");
        checkOpen();
        String prefix = vip.getHostAddress() + ":";
        try {
            // The whole data set is local; a key starts with its VIP, so only matching values are decoded.
            return local.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix))
                    .map(e -> StoredEntry.decode(e.getValue()).checkpoint())
                    .toList();
        } catch (RuntimeException e) {
            throw failure("listByVip " + vip.getHostAddress(), e);
        }
    }

    @Override
    public ClaimResult claim(ConnectionId id, String claimant) {
        Objects.requireNonNull(id, "id");
        requireNode(claimant, "claimant");
        String key = id.key();
        return transaction("claim " + key, () -> claimOf(lockAndRead(key), claimant, v -> writing.put(key, v)));
    }

    /**
     * What claiming the locked entry {@code e} (null: absent) for {@code claimant} answers; a new claim's entry goes
     * to {@code write}, to be stored in the same transaction.
     */
    private static ClaimResult claimOf(StoredEntry e, String claimant, Consumer<byte[]> write) {
        if (e == null) {
            return ClaimResult.NotFound.INSTANCE;
        }
        if (e.claimant() != null && !e.claimant().equals(claimant)) {
            return new ClaimResult.AlreadyClaimed(e.claimant());
        }
        if (e.claimant() == null) {
            write.accept(e.claimedBy(claimant).encode());
        }
        return new ClaimResult.Claimed(e.checkpoint());
    }

    /** One transaction: one lock command and one commit for all of them, whatever their number. */
    @Override
    public Map<ConnectionId, ClaimResult> claimAll(Collection<ConnectionId> ids, String claimant) {
        requireNode(claimant, "claimant");
        TreeMap<String, ConnectionId> byKey = new TreeMap<>();
        for (ConnectionId id : ids) {
            byKey.put(Objects.requireNonNull(id, "id").key(), id);
        }
        if (byKey.isEmpty()) {
            return Map.of();
        }
        return transaction("claimAll of " + byKey.size(), () -> {
            Map<String, byte[]> current = lockByOwner(byKey.navigableKeySet());
            Map<ConnectionId, ClaimResult> results = new LinkedHashMap<>();
            Map<String, byte[]> claims = new HashMap<>();
            byKey.forEach((key, id) -> {
                byte[] value = current.get(key);
                results.put(id, claimOf(value == null ? null : StoredEntry.decode(value), claimant,
                        v -> claims.put(key, v)));
            });
            if (!claims.isEmpty()) {
                writing.putAll(claims);
            }
            return Collections.unmodifiableMap(results);
        });
    }

    @Override
    public Optional<String> claimant(ConnectionId id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(readLocal(id.key())).map(StoredEntry::claimant);
    }

    @Override
    public boolean release(ConnectionId id, String claimant) {
        Objects.requireNonNull(id, "id");
        requireNode(claimant, "claimant");
        return release(id.key(), claimant);
    }

    private boolean release(String key, String claimant) {
        return transaction("release " + key, () -> {
            StoredEntry e = lockAndRead(key);
            if (e == null || !claimant.equals(e.claimant())) {
                return false;
            }
            writing.put(key, e.released().encode());
            return true;
        });
    }

    @Override
    public int releaseClaims(String claimant) {
        requireNode(claimant, "claimant");
        checkOpen();
        List<String> claimed;
        try {
            claimed = local.entrySet().stream()
                    .filter(e -> claimant.equals(StoredEntry.decode(e.getValue()).claimant()))
                    .map(Map.Entry::getKey)
                    .toList();
        } catch (RuntimeException e) {
            throw failure("releaseClaims " + claimant, e);
        }
        int released = 0;
        for (String key : claimed) {
            if (release(key, claimant)) { // re-checked under the lock: the claim may have ended meanwhile
                released++;
            }
        }
        return released;
    }

    @Override
    public Registration addListener(CheckpointListener listener) {
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        return events.subscribe(listener);
    }

    /** The events of this node's replica, for writers that bypass the cache's commands ({@link CheckpointJournal}). */
    CheckpointEvents events() {
        return events;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            events.close();
        }
    }

    /** The outcome the contract gives {@code c} against the stored entry {@code e} (null if none). */
    private static PutResult check(StoredEntry e, ConnectionCheckpoint c) {
        if (e == null) {
            return PutResult.Stored.INSTANCE;
        }
        if (e.claimant() != null && !e.claimant().equals(c.ownerNode())) {
            return new PutResult.Fenced(c.id(), e.claimant());
        }
        if (e.checkpoint().version() >= c.version()) {
            return new PutResult.Stale(c.id(), e.checkpoint().version());
        }
        return PutResult.Stored.INSTANCE;
    }

    /**
     * Locks {@code keys} (sorted) with one lock command per primary owner, owner after owner in a fixed order, and
     * reads them. Locking all owners at once would let two transactions over the same keys each win one owner and
     * wait for the other until the lock timeout; a fixed owner order (and one sorted command per owner) avoids it.
     */
    private Map<String, byte[]> lockByOwner(java.util.SortedSet<String> keys) {
        var topology = locking.getDistributionManager().getCacheTopology();
        Map<String, java.util.SortedSet<String>> byOwner = new TreeMap<>();
        for (String key : keys) {
            byOwner.computeIfAbsent(String.valueOf(topology.getDistribution(key).primary()), o -> new TreeSet<>())
                    .add(key);
        }
        Map<String, byte[]> read = new HashMap<>();
        byOwner.values().forEach(group -> read.putAll(locking.getAll(group)));
        return read;
    }

    /** Locks {@code key} at its primary owner for the current transaction and reads the local replica. */
    private StoredEntry lockAndRead(String key) {
        byte[] value = locking.get(key);
        return value == null ? null : StoredEntry.decode(value);
    }

    /** Locks every key, one at a time in key order so that concurrent bundles never deadlock, and reads them. */
    private Map<String, StoredEntry> lockAndReadAll(List<String> keys) {
        Map<String, StoredEntry> read = new HashMap<>(); // values may be null: absent entries
        for (String key : new TreeSet<>(keys)) {
            read.put(key, lockAndRead(key));
        }
        return read;
    }

    private StoredEntry readLocal(String key) {
        checkOpen();
        try {
            byte[] value = local.get(key);
            return value == null ? null : StoredEntry.decode(value);
        } catch (RuntimeException e) {
            throw failure("read " + key, e);
        }
    }

    private static Map<String, StoredEntry> single(String key, StoredEntry e) {
        Map<String, StoredEntry> m = new HashMap<>();
        m.put(key, e);
        return m;
    }

    /** A unit of work inside a transaction. */
    @FunctionalInterface
    private interface TxBody<T> {
        T run();
    }

    /**
     * Runs {@code body} in a new pessimistic transaction and commits it (a transaction that wrote nothing only
     * releases its locks). Any failure rolls back and becomes a {@link CheckpointStoreException}; the arguments'
     * own exceptions never reach here, they are checked before.
     */
    private <T> T transaction(String what, TxBody<T> body) {
        checkOpen();
        try {
            tm.begin();
            T result = body.run();
            tm.commit();
            return result;
        } catch (Exception e) {
            throw failure(what, e);
        } finally {
            rollbackIfActive(what);
        }
    }

    private void rollbackIfActive(String what) {
        try {
            if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tm.rollback();
            }
        } catch (SystemException | IllegalStateException | SecurityException e) {
            LOG.warn("{}: rolling back {} failed", nodeName, what, e);
            try {
                tm.suspend(); // never leave this thread bound to a dead transaction
            } catch (SystemException ignored) {
                // nothing more to do
            }
        }
    }

    private CheckpointStoreException failure(String what, Exception e) {
        if (e instanceof CheckpointStoreException c) {
            return c;
        }
        if (closed) {
            throw new IllegalStateException("checkpoint store is closed", e);
        }
        String why = e instanceof AvailabilityException
                ? "this node's partition does not hold a majority of the cluster"
                : e.toString();
        return new CheckpointStoreException(nodeName + ": " + what + " failed: " + why, e);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("checkpoint store is closed");
        }
    }

    private static void requireNode(String node, String what) {
        Objects.requireNonNull(node, what);
        if (node.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
