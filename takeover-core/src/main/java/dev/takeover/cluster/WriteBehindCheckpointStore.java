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
import dev.takeover.config.CheckpointConfig;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code checkpoint.replication: async} and {@code batched}: a {@link CheckpointStore} whose {@link #putIfNewer}
 * returns without waiting for the cluster, and whose {@link #putDurably} completes once the checkpoint is written. The
 * checkpoint is checked against what this node knows (the newest checkpoint it has queued for the connection; when
 * none is queued, the version its writer last wrote for the same owner, or else its replica of the stored one and its
 * claim), queued, and written to the synchronous store underneath by one background thread, which lingers after waking
 * so that busy connections' checkpoints coalesce ({@link #lingerAfter}: longer as the cluster's writes get slower),
 * unless a {@link #putDurably} caller is waiting: then it writes at once, and what queues meanwhile goes in the next
 * batch (a group commit). A connection checkpointed again before its queued checkpoint was written replaces it: under
 * load the writes to the cluster coalesce, one per connection per round.
 *
 * <p><b>What it gives up</b>, against the {@link CheckpointStore} contract: a {@code Stored} answer is a promise,
 * not a fact. The checkpoints still queued when this node crashes are lost (how many depends on the write rate and
 * the cluster's latency: see {@code REPLICATION.md}), and a checkpoint that turns out to be fenced by a claim made
 * meanwhile on another node is dropped, the writer learning of the claim at its next write. Other nodes see a
 * checkpoint, and listeners hear of it, once it has been written; intermediate versions that were replaced in the
 * queue are never seen at all. This node reads its own queued writes ({@link #get}, {@link #listByVip}).
 *
 * <p>{@link #removeLater} queues too: a connection has a queued checkpoint or a queued removal, each replacing the
 * other (a removal drops the checkpoint it covers; a checkpoint newer than the removal, a later connection on the same
 * four-tuple, makes it unnecessary). The writer writes the removals after the checkpoints of its round, in batches of
 * one transaction each ({@link ReplicatedCheckpointStore#removeEach}).
 *
 * <p>Everything else is synchronous and keeps the contract: before a bundle, a removal, a claim or a multi-read
 * touches a connection, its queued checkpoint or removal is written first, so per-connection order holds.
 *
 * <p>The writer drains the queue in batches of up to {@value #BATCH} checkpoints. In a cluster each batch is one
 * message of the {@link CheckpointJournal}, which every member applies to its replica; over a store alone (tests, the
 * benchmarks' comparison), one transaction of the replicated store ({@link ReplicatedCheckpointStore#putEachIfNewer}):
 * one lock request per primary owner and one commit instead of one of each per checkpoint. Before an operation that
 * follows the queue's writes, the journal's barrier waits until every member has applied what was sent.
 *
 * <p>Thread-safe. Closing writes what is queued (for a bounded time) and stops the writer; the store underneath
 * stays open.
 */
final class WriteBehindCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindCheckpointStore.class);
    /** The pause after the store underneath failed (no quorum, timeout) before the queue is tried again. */
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    /**
     * The shortest the writer waits, once woken, before it drains the queue (unless the longest, {@code
     * checkpoint.linger}, is shorter). A linger adds that much to what a crash can lose, and saves one cluster write
     * per checkpoint a busy connection replaces meanwhile.
     */
    static final Duration LINGER_MIN = Duration.ofMillis(2);
    /**
     * The writer lingers this many times as long as its last round of writes took, within its bounds: under load its
     * transactions (and the replicas' work applying them) take at most a fifth of the time, and each carries up to one
     * checkpoint per connection whatever the request rate. Measured in {@code docs/BENCHMARKS.md} ("Checkpoint
     * overhead on the proxy"): a fixed 2 ms linger left cached 1 KiB hits through a VIP at half the requests/s.
     */
    static final int LINGER_FACTOR = 4;
    /**
     * With a {@link CheckpointJournal}, the writer's round is its own share only: it sends without waiting, and every
     * member then applies the round as this node did. The writer lingers this many times its round per member, so the
     * cluster's work for the queue stays about a twentieth of the time: sending at once, a round every 2 ms put 14
     * times more checkpoints on the wire than the transactions had, and cost the 1 KiB hits more than they saved.
     */
    static final int JOURNAL_LINGER_FACTOR_PER_MEMBER = 20;
    /** How long {@link #close()} keeps writing the queue. */
    private static final Duration CLOSE_FLUSH = Duration.ofSeconds(2);

    /** The most queued checkpoints the writer writes in one batch. */
    static final int BATCH = 128;

    private final CheckpointStore delegate;
    private final BatchWriter batchWriter;
    /** The longest linger ({@code checkpoint.linger}). */
    private final long lingerMaxNanos;
    private final Map<ConnectionId, ConnectionCheckpoint> queued = new ConcurrentHashMap<>();
    /**
     * Removals queued by {@link #removeLater}: per connection, the version up to which its stored checkpoint goes.
     * Changed only inside {@code queued.compute} for the same connection (or by the writer under {@link #order}, once
     * written), so that a connection never has both a queued checkpoint and a queued removal.
     */
    private final Map<ConnectionId, Long> removals = new ConcurrentHashMap<>();
    private final BatchRemover batchRemover;
    /** Waits until the replicas hold what the writers above sent; run before an operation that follows them. */
    private final Runnable barrier;
    /**
     * What the writer last wrote of each connection, while it is the last word this store knows: set under {@link
     * #order} when a write is stored, forgotten when one is refused and before any other operation on the
     * connection ({@link #afterFlushing}), a removal included. A put newer than it by the same owner needs no replica
     * reads: nothing but a claim by another node can have come between, and the writer's transaction checks the claim
     * under lock (dropping the checkpoint as fenced, as for any claim made after the check). On a busy keep-alive
     * connection whose queue was written in the last round, the replica reads (claim and stored version, each decoded
     * through Infinispan) were a tenth of the event loops' time.
     */
    private final Map<ConnectionId, Written> lastWritten = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    /**
     * Whether the writer waits on {@link #signal} for a first checkpoint to be queued: only then does a put notify it.
     * Set before the writer looks at the queue, read by a put after it queued (both volatile), so one of the two sees
     * the other; the event loops of a busy node do not take the monitor at every put.
     */
    private volatile boolean writerIdle;
    /**
     * Wakes a lingering writer: a {@link #putDurably} caller waits. Apart from {@link #signal}, so that a busy node's
     * puts do not wake the writer thousands of times a second while it lingers.
     */
    private final Object urgent = new Object();
    private final Thread writer;
    private final LongAdder offered = new LongAdder();
    private final AtomicLong written = new AtomicLong();
    /** Orders the writer's writes with the callers' flushes, per store: see {@link #afterFlushing}. */
    private final ReentrantLock order = new ReentrantLock();
    /** How many times its last round the writer lingers. */
    private final int lingerFactor;
    /** The writer's next linger: {@link #lingerAfter} its last round. Written by the writer thread only. */
    private volatile long lingerNanos;
    private volatile boolean closed;

    private WriteBehindCheckpointStore(CheckpointStore delegate, BatchWriter batchWriter, BatchRemover batchRemover,
            Runnable barrier, int lingerFactor, String nodeName, Duration lingerMax) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.batchWriter = Objects.requireNonNull(batchWriter, "batchWriter");
        this.batchRemover = Objects.requireNonNull(batchRemover, "batchRemover");
        this.barrier = Objects.requireNonNull(barrier, "barrier");
        if (lingerMax.isNegative() || lingerMax.isZero()) {
            throw new IllegalArgumentException("the longest linger must be positive, was " + lingerMax);
        }
        this.lingerMaxNanos = lingerMax.toNanos();
        this.lingerFactor = lingerFactor;
        this.lingerNanos = lingerAfter(0, lingerFactor, lingerMaxNanos);
        this.writer = new Thread(this::writeLoop, "takeover-checkpoint-writer-" + nodeName);
        this.writer.setDaemon(true);
    }

    /** Writes several queued checkpoints at once, each by the {@code putIfNewer} rules. */
    @FunctionalInterface
    interface BatchWriter {
        /**
         * @param checkpoints at most one per connection, at most {@link #BATCH} of them
         * @return the result of each, in order
         * @throws CheckpointStoreException if none could be written
         */
        List<PutResult> putEachIfNewer(List<ConnectionCheckpoint> checkpoints);
    }

    /** Removes several connections' checkpoints at once, each by the {@code remove} rules. */
    @FunctionalInterface
    interface BatchRemover {
        /**
         * @param versions per connection, the version up to which its stored checkpoint goes; at most {@link #BATCH}
         * @throws CheckpointStoreException if they could not all be removed; some may have been
         */
        void removeEach(Map<ConnectionId, Long> versions);

        /** One removal at a time, through {@code store}. */
        static BatchRemover oneByOne(CheckpointStore store) {
            return versions -> versions.forEach(store::remove);
        }
    }

    /**
     * @param delegate the synchronous store to write to; not closed by this store
     * @param nodeName this node's name, for the writer thread's name
     * @return a started write-behind store that writes one checkpoint at a time
     */
    static WriteBehindCheckpointStore over(CheckpointStore delegate, String nodeName) {
        return over(delegate, batch -> batch.stream().map(delegate::putIfNewer).toList(), nodeName,
                CheckpointConfig.DEFAULT_LINGER);
    }

    /**
     * @param store     the replicated store to write to, in batches of one transaction each; not closed by this store
     * @param nodeName  this node's name, for the writer thread's name
     * @param lingerMax the longest the writer lingers ({@code checkpoint.linger})
     * @return a started write-behind store
     */
    static WriteBehindCheckpointStore over(ReplicatedCheckpointStore store, String nodeName, Duration lingerMax) {
        WriteBehindCheckpointStore behind = new WriteBehindCheckpointStore(store, store::putEachIfNewer,
                store::removeEach, () -> { }, LINGER_FACTOR, nodeName, lingerMax);
        behind.start();
        return behind;
    }

    /**
     * @param store     the replicated store, for everything but the queue's writes; not closed by this store
     * @param journal   what writes the queue's checkpoints and removals, one message per batch; not closed either
     * @param members   the cluster's configured size: how many replicas apply each round
     * @param nodeName  this node's name, for the writer thread's name
     * @param lingerMax the longest the writer lingers ({@code checkpoint.linger})
     * @return a started write-behind store
     */
    static WriteBehindCheckpointStore over(ReplicatedCheckpointStore store, CheckpointJournal journal, int members,
            String nodeName, Duration lingerMax) {
        WriteBehindCheckpointStore behind = new WriteBehindCheckpointStore(store, journal::putEachIfNewer,
                journal::removeEach, journal::barrier, JOURNAL_LINGER_FACTOR_PER_MEMBER * Math.max(1, members),
                nodeName, lingerMax);
        behind.start();
        return behind;
    }

    /**
     * A started write-behind store over {@code delegate} that writes its batches through {@code batchWriter}, and its
     * removals one at a time.
     */
    static WriteBehindCheckpointStore over(CheckpointStore delegate, BatchWriter batchWriter, String nodeName,
            Duration lingerMax) {
        WriteBehindCheckpointStore store = new WriteBehindCheckpointStore(delegate, batchWriter,
                BatchRemover.oneByOne(delegate), () -> { }, LINGER_FACTOR, nodeName, lingerMax);
        store.start();
        return store;
    }

    /**
     * A store whose writer thread has not started, writing one checkpoint at a time: its queue only grows until
     * {@link #start()}. For tests.
     */
    static WriteBehindCheckpointStore paused(CheckpointStore delegate, String nodeName) {
        return paused(delegate, BatchRemover.oneByOne(delegate), nodeName);
    }

    /** As {@link #paused(CheckpointStore, String)}, writing its removals through {@code batchRemover}. For tests. */
    static WriteBehindCheckpointStore paused(CheckpointStore delegate, BatchRemover batchRemover, String nodeName) {
        return paused(delegate, batch -> batch.stream().map(delegate::putIfNewer).toList(), batchRemover, nodeName);
    }

    /** As {@link #paused(CheckpointStore, String)}, writing through {@code batchWriter} and {@code batchRemover}. */
    static WriteBehindCheckpointStore paused(CheckpointStore delegate, BatchWriter batchWriter,
            BatchRemover batchRemover, String nodeName) {
        return new WriteBehindCheckpointStore(delegate, batchWriter, batchRemover, () -> { }, LINGER_FACTOR,
                nodeName, CheckpointConfig.DEFAULT_LINGER);
    }

    /** A checkpoint the writer stored: its version and owner. */
    private record Written(long version, String owner) {}

    /** Callers waiting for a queued checkpoint to reach the store underneath, by connection. */
    private final Map<ConnectionId, List<Waiter>> waiters = new ConcurrentHashMap<>();

    /** Waits for version {@code version} (or a newer one) of a connection to be written. */
    private record Waiter(long version, CompletableFuture<PutResult> written) {}

    /** Starts the writer thread. */
    void start() {
        writer.start();
    }

    /**
     * Queues {@code checkpoint} unless this node already knows it is stale or fenced.
     *
     * @return {@code Stored} once queued; {@code Stale} or {@code Fenced} as known here
     */
    @Override
    public PutResult putIfNewer(ConnectionCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        checkOpen();
        ConnectionId id = checkpoint.id();
        PutResult[] result = {PutResult.Stored.INSTANCE};
        queued.compute(id, (key, pending) -> {
            if (pending != null && pending.version() >= checkpoint.version()) {
                result[0] = new PutResult.Stale(id, pending.version());
                return pending;
            }
            if (pending != null) {
                // The queued one passed the replica checks a moment ago and the writer checks again under lock:
                // replacing it needs no second look at the replica (the hot path of a busy keep-alive connection).
                return checkpoint;
            }
            Long removal = removals.get(id);
            if (removal != null) {
                if (removal >= checkpoint.version()) {
                    result[0] = new PutResult.Stale(id, removal);
                    return null;
                }
                // A later connection on the same four-tuple: its checkpoint replaces the closed one's in the store.
                removals.remove(id);
            }
            Written last = lastWritten.get(id);
            if (last != null && last.version() < checkpoint.version() && last.owner().equals(checkpoint.ownerNode())) {
                return checkpoint;
            }
            Optional<String> claimant = delegate.claimant(id);
            if (claimant.isPresent() && !claimant.get().equals(checkpoint.ownerNode())) {
                result[0] = new PutResult.Fenced(id, claimant.get());
                return pending;
            }
            Optional<ConnectionCheckpoint> stored = delegate.get(id);
            if (stored.isPresent() && stored.get().version() >= checkpoint.version()) {
                result[0] = new PutResult.Stale(id, stored.get().version());
                return pending;
            }
            return checkpoint;
        });
        if (result[0].stored()) {
            offered.increment();
            wakeWriter();
        }
        return result[0];
    }

    /**
     * Queues the removal: a queued checkpoint it covers is dropped (its {@link #putDurably} callers hear
     * {@code Stale}), one newer than {@code version} is kept instead. The writer writes it after the checkpoints of its
     * next round; meanwhile {@link #get} and {@link #listByVip} no longer see what it removes.
     */
    @Override
    public void removeLater(ConnectionId id, long version) {
        Objects.requireNonNull(id, "id");
        checkOpen();
        ConnectionCheckpoint[] dropped = {null};
        boolean[] queuedRemoval = {false};
        queued.compute(id, (key, pending) -> {
            if (pending != null && pending.version() > version) {
                return pending;
            }
            dropped[0] = pending;
            removals.merge(key, version, Math::max);
            queuedRemoval[0] = true;
            return null;
        });
        if (dropped[0] != null) {
            settle(id, dropped[0].version(), new PutResult.Stale(id, version));
        }
        if (queuedRemoval[0]) {
            wakeWriter();
        }
    }

    /** After something was queued: wakes the writer if it waits for work. */
    private void wakeWriter() {
        if (writerIdle) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    /** @return whether {@code c}, as stored underneath, is gone once the queued removals are written */
    private boolean removing(ConnectionCheckpoint c) {
        Long removal = removals.get(c.id());
        return removal != null && c.version() <= removal;
    }

    @Override
    public PutResult putBundle(Bundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        return afterFlushing(bundle.ids(), () -> delegate.putBundle(bundle));
    }

    @Override
    public boolean remove(ConnectionId id, long version) {
        Objects.requireNonNull(id, "id");
        return afterFlushing(List.of(id), () -> delegate.remove(id, version));
    }

    @Override
    public Optional<ConnectionCheckpoint> get(ConnectionId id) {
        Objects.requireNonNull(id, "id");
        checkOpen();
        ConnectionCheckpoint pending = queued.get(id);
        Optional<ConnectionCheckpoint> stored = delegate.get(id).filter(c -> !removing(c));
        return pending != null && (stored.isEmpty() || stored.get().version() < pending.version())
                ? Optional.of(pending) : stored;
    }

    @Override
    public Map<ConnectionId, ConnectionCheckpoint> getAll(Collection<ConnectionId> ids) {
        List<ConnectionId> wanted = List.copyOf(ids);
        return afterFlushing(wanted, () -> delegate.getAll(wanted));
    }

    @Override
    public List<ConnectionCheckpoint> listByVip(Inet4Address vip) {
        Objects.requireNonNull(vip, "vip");
        checkOpen();
        Map<ConnectionId, ConnectionCheckpoint> merged = new HashMap<>();
        for (ConnectionCheckpoint c : delegate.listByVip(vip)) {
            if (!removing(c)) {
                merged.put(c.id(), c);
            }
        }
        queued.forEach((id, pending) -> {
            if (id.vip().equals(vip)) {
                merged.merge(id, pending, (stored, q) -> q.version() > stored.version() ? q : stored);
            }
        });
        return List.copyOf(merged.values());
    }

    @Override
    public ClaimResult claim(ConnectionId id, String claimant) {
        Objects.requireNonNull(id, "id");
        requireClaimant(claimant);
        return afterFlushing(List.of(id), () -> delegate.claim(id, claimant));
    }

    /** Queues as {@link #putIfNewer}; the future completes when the writer (or a flush) has written it. */
    @Override
    public CompletableFuture<PutResult> putDurably(ConnectionCheckpoint checkpoint) {
        CompletableFuture<PutResult> done = new CompletableFuture<>();
        waiters.compute(checkpoint.id(), (id, list) -> {
            List<Waiter> l = list == null ? new ArrayList<>(1) : list;
            l.add(new Waiter(checkpoint.version(), done));
            return l;
        });
        PutResult queuedResult = putIfNewer(checkpoint);
        if (!queuedResult.stored()) {
            settle(checkpoint.id(), checkpoint.version(), queuedResult); // refused here: nothing will be written
        } else {
            synchronized (urgent) {
                urgent.notifyAll();
            }
        }
        return done;
    }

    /** Completes the waiters of {@code id} up to {@code version} with {@code result}. */
    private void settle(ConnectionId id, long version, PutResult result) {
        List<CompletableFuture<PutResult>> done = new ArrayList<>();
        waiters.computeIfPresent(id, (key, list) -> {
            list.removeIf(w -> {
                if (w.version() <= version) {
                    done.add(w.written());
                    return true;
                }
                return false;
            });
            return list.isEmpty() ? null : list;
        });
        done.forEach(f -> f.complete(result));
    }

    @Override
    public Map<ConnectionId, ClaimResult> claimAll(Collection<ConnectionId> ids, String claimant) {
        requireClaimant(claimant);
        List<ConnectionId> list = List.copyOf(ids);
        return afterFlushing(list, () -> delegate.claimAll(list, claimant));
    }

    @Override
    public Optional<String> claimant(ConnectionId id) {
        checkOpen();
        return delegate.claimant(id);
    }

    @Override
    public boolean release(ConnectionId id, String claimant) {
        checkOpen();
        return delegate.release(id, claimant);
    }

    @Override
    public int releaseClaims(String claimant) {
        checkOpen();
        return delegate.releaseClaims(claimant);
    }

    @Override
    public Registration addListener(CheckpointListener listener) {
        Objects.requireNonNull(listener, "listener");
        checkOpen();
        return delegate.addListener(listener);
    }

    /** @return the number of checkpoints queued and not yet written */
    int queuedCount() {
        return queued.size();
    }

    /** @return how many checkpoints were queued, and how many writes reached the store underneath */
    long[] offeredAndWritten() {
        return new long[] {offered.sum(), written.get()};
    }

    /**
     * Writes the queued checkpoints and removals of {@code ids} now, on the calling thread, {@value #BATCH} per
     * transaction as the writer does, then runs {@code operation}, all while the writer thread waits: a queued write can
     * then never land after the operation (a removal, say). One transaction per queued checkpoint made a takeover's
     * claims of 500 connections, whose resumed sockets had each queued a checkpoint, take seconds.
     */
    private <T> T afterFlushing(Collection<ConnectionId> ids, Supplier<T> operation) {
        checkOpen();
        order.lock();
        try {
            Map<ConnectionId, ConnectionCheckpoint> pending = new LinkedHashMap<>(); // ids may repeat
            Map<ConnectionId, Long> removing = new HashMap<>();
            for (ConnectionId id : ids) {
                ConnectionCheckpoint c = queued.get(Objects.requireNonNull(id, "id"));
                if (c != null) {
                    pending.put(id, c);
                }
                Long removal = removals.get(id);
                if (removal != null) {
                    removing.put(id, removal);
                }
            }
            writeInBatches(List.copyOf(pending.values()));
            removeInBatches(removing);
            barrier.run(); // the operation must not overtake, on any replica, what the writer sent before it
            ids.forEach(lastWritten::remove);
            return operation.get();
        } finally {
            order.unlock();
        }
    }

    /**
     * Writes one queued checkpoint and dequeues it unless a newer one replaced it meanwhile. The caller holds
     * {@link #order}.
     *
     * @throws CheckpointStoreException as the store underneath; the checkpoint stays queued
     */
    private void write(ConnectionCheckpoint c) {
        PutResult r = delegate.putIfNewer(c);
        written.incrementAndGet();
        wrote(c, r);
    }

    /**
     * After a write of {@code c}: records what it did ({@link #lastWritten}), dequeues it unless a newer one replaced
     * it meanwhile, and completes its waiters. Under {@link #order}.
     */
    private void wrote(ConnectionCheckpoint c, PutResult result) {
        if (result.stored()) {
            lastWritten.put(c.id(), new Written(c.version(), c.ownerNode()));
        } else {
            lastWritten.remove(c.id());
            LOG.debug("queued checkpoint {} v{} dropped: {}", c.id(), c.version(), result);
        }
        queued.remove(c.id(), c);
        settle(c.id(), c.version(), result);
    }

    /** Writes those of {@code batch} that no caller wrote (and nothing replaced) since the writer saw them. */
    private void writeIfStillQueued(List<ConnectionCheckpoint> batch) {
        order.lock();
        try {
            List<ConnectionCheckpoint> still = batch.stream().filter(c -> queued.get(c.id()) == c).toList();
            if (still.isEmpty()) {
                return;
            }
            List<PutResult> results = batchWriter.putEachIfNewer(still);
            written.addAndGet(still.size());
            for (int i = 0; i < still.size(); i++) {
                wrote(still.get(i), results.get(i));
            }
        } finally {
            order.unlock();
        }
    }

    /**
     * Writes those of {@code batch} (connection to version) that are still queued as they were, as one batch. Under
     * {@link #order}, or takes it.
     */
    private void removeIfStillQueued(Map<ConnectionId, Long> batch) {
        order.lock();
        try {
            Map<ConnectionId, Long> still = new HashMap<>();
            batch.forEach((id, version) -> {
                if (version.equals(removals.get(id))) {
                    still.put(id, version);
                }
            });
            if (still.isEmpty()) {
                return;
            }
            batchRemover.removeEach(still);
            written.addAndGet(still.size());
            still.forEach((id, version) -> {
                removals.remove(id, version); // unless a newer removal or checkpoint replaced it meanwhile
                lastWritten.remove(id);
            });
        } finally {
            order.unlock();
        }
    }

    /** Writes those of {@code checkpoints} still queued as they are, {@value #BATCH} per batch. */
    private void writeInBatches(List<ConnectionCheckpoint> checkpoints) {
        for (int from = 0; from < checkpoints.size(); from += BATCH) {
            writeIfStillQueued(checkpoints.subList(from, Math.min(checkpoints.size(), from + BATCH)));
        }
    }

    /** Writes the queued removals, {@value #BATCH} per batch. */
    private void writeRemovals() {
        removeInBatches(removals);
    }

    /** Writes those of {@code versions}' removals still queued as they are, {@value #BATCH} per batch. */
    private void removeInBatches(Map<ConnectionId, Long> versions) {
        Map<ConnectionId, Long> batch = new HashMap<>();
        for (Map.Entry<ConnectionId, Long> e : versions.entrySet()) {
            batch.put(e.getKey(), e.getValue());
            if (batch.size() == BATCH) {
                removeIfStillQueued(batch);
                batch = new HashMap<>();
            }
        }
        removeIfStillQueued(batch);
    }

    /** @return whether no checkpoint and no removal is queued */
    private boolean idle() {
        return queued.isEmpty() && removals.isEmpty();
    }

    /**
     * Waits until nothing is queued. For tests and shutdown.
     *
     * @return whether the queue emptied within {@code timeout}
     */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            while (!idle()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                signal.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /**
     * @param roundNanos how long the writer's last round of writes took
     * @param maxNanos   the longest linger
     * @return how long it lingers before the next: {@link #LINGER_FACTOR} times that, within {@link #LINGER_MIN} (or
     *         {@code maxNanos} if shorter) and {@code maxNanos}
     */
    static long lingerAfter(long roundNanos, long maxNanos) {
        return lingerAfter(roundNanos, LINGER_FACTOR, maxNanos);
    }

    /** As {@link #lingerAfter(long, long)}, {@code factor} times the round. */
    static long lingerAfter(long roundNanos, int factor, long maxNanos) {
        return Math.clamp(Math.min(roundNanos, maxNanos) * factor, Math.min(LINGER_MIN.toNanos(), maxNanos),
                maxNanos);
    }

    /** @return how long the writer will linger next, in nanoseconds. For tests. */
    long lingerNanos() {
        return lingerNanos;
    }

    /**
     * Lets checkpoints of busy connections coalesce for {@link #lingerNanos}: fewer, larger transactions. Not while a
     * {@link #putDurably} caller waits (its response's first byte does): then the batch goes at once, and what queues
     * during its transaction goes in the next one.
     */
    private void linger() throws InterruptedException {
        long end = System.nanoTime() + lingerNanos;
        synchronized (urgent) { // a durable put notifies it after registering its waiter
            for (long left = lingerNanos; left > 0 && !closed && waiters.isEmpty();
                    left = end - System.nanoTime()) {
                urgent.wait(left / 1_000_000, (int) (left % 1_000_000));
            }
        }
    }

    private void writeLoop() {
        while (!closed || !idle()) {
            try {
                synchronized (signal) {
                    writerIdle = true;
                    while (idle() && !closed) {
                        signal.wait();
                    }
                    writerIdle = false;
                }
                linger();
                long round = System.nanoTime();
                writeInBatches(new ArrayList<>(queued.values()));
                writeRemovals();
                lingerNanos = lingerAfter(System.nanoTime() - round, lingerFactor, lingerMaxNanos);
                synchronized (signal) {
                    signal.notifyAll(); // for awaitEmpty
                }
            } catch (InterruptedException e) {
                return; // close() gave up waiting
            } catch (CheckpointStoreException | IllegalStateException e) {
                if (closed && e instanceof IllegalStateException) {
                    return; // the store underneath closed first
                }
                LOG.warn("writing queued checkpoints failed, {} queued, retrying: {}", queued.size(), e.toString());
                try {
                    Thread.sleep(RETRY_PAUSE);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Writes what is queued (the writer for at most {@link #CLOSE_FLUSH}, then this thread once more), then stops.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (signal) {
            signal.notifyAll();
        }
        if (writer.isAlive()) {
            try {
                writer.join(CLOSE_FLUSH.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writer.interrupt();
        }
        order.lock();
        try {
            for (ConnectionCheckpoint c : new ArrayList<>(queued.values())) {
                write(c);
            }
            writeRemovals();
        } catch (RuntimeException e) {
            LOG.warn("closed with {} checkpoints and {} removals not written: {}", queued.size(), removals.size(),
                    e.toString());
        } finally {
            order.unlock();
        }
    }

    /** Checked here, before a flush: a bad argument must not write the queue first. */
    private static void requireClaimant(String claimant) {
        Objects.requireNonNull(claimant, "claimant");
        if (claimant.isEmpty()) {
            throw new IllegalArgumentException("claimant must not be empty");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("checkpoint store is closed");
        }
    }
}
