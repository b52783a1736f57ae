package dev.takeover.checkpoint;

import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link CheckpointStore} in this JVM's memory: for a node that checkpoints but runs without a cluster, and for
 * tests. It follows the whole contract; nothing survives the process.
 *
 * <p>Implementation: entries are grouped by virtual IP in plain maps under one read-write lock, so a bundle write
 * and a multi-entry read are trivially atomic and {@link #listByVip} is exact (stronger than the contract's weak
 * consistency). Events are queued under the write lock, so the queue is in apply order, and delivered after the
 * lock is released by whichever writing thread gets the delivery flag first, one event at a time. A write from a
 * single thread therefore returns after its events were delivered, unless another thread was delivering.
 */
public final class LocalCheckpointStore implements CheckpointStore {

    private static final System.Logger LOG = System.getLogger(LocalCheckpointStore.class.getName());

    /** A stored checkpoint and the node claiming it, or {@code null}. */
    private record Entry(ConnectionCheckpoint checkpoint, String claimant) {
    }

    /** An event numbered in apply order; a listener gets the events numbered after its registration. */
    private record Numbered(long seq, CheckpointEvent event) {
    }

    private final class Subscription implements Registration {
        final CheckpointListener listener;
        final long after;
        volatile boolean active = true;

        Subscription(CheckpointListener listener, long after) {
            this.listener = listener;
            this.after = after;
        }

        @Override
        public void close() {
            active = false;
            subscriptions.remove(this);
        }
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    // @GuardedBy("lock")
    private final Map<Inet4Address, Map<ConnectionId, Entry>> byVip = new HashMap<>();
    // @GuardedBy("lock"), written under the write lock only
    private long eventSeq;
    private volatile boolean closed;

    private final Queue<Numbered> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    /** An empty store. */
    public LocalCheckpointStore() {
    }

    @Override
    public PutResult putIfNewer(ConnectionCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        PutResult result;
        lock.writeLock().lock();
        try {
            checkOpen();
            result = check(checkpoint);
            if (result.stored()) {
                store(checkpoint);
            }
        } finally {
            lock.writeLock().unlock();
        }
        deliver();
        return result;
    }

    @Override
    public PutResult putBundle(Bundle bundle) {
        Objects.requireNonNull(bundle, "bundle");
        PutResult result = PutResult.Stored.INSTANCE;
        lock.writeLock().lock();
        try {
            checkOpen();
            for (ConnectionCheckpoint c : bundle.checkpoints()) {
                result = check(c);
                if (!result.stored()) {
                    break;
                }
            }
            if (result.stored()) {
                bundle.checkpoints().forEach(this::store);
            }
        } finally {
            lock.writeLock().unlock();
        }
        deliver();
        return result;
    }

    @Override
    public boolean remove(ConnectionId id, long version) {
        Objects.requireNonNull(id, "id");
        boolean removed = false;
        lock.writeLock().lock();
        try {
            checkOpen();
            Map<ConnectionId, Entry> entries = byVip.get(id.vip());
            Entry e = entries == null ? null : entries.get(id);
            if (e != null && e.checkpoint().version() <= version) {
                entries.remove(id);
                if (entries.isEmpty()) {
                    byVip.remove(id.vip());
                }
                publish(new CheckpointEvent.Removed(id, e.checkpoint().version()));
                removed = true;
            }
        } finally {
            lock.writeLock().unlock();
        }
        deliver();
        return removed;
    }

    @Override
    public Optional<ConnectionCheckpoint> get(ConnectionId id) {
        Objects.requireNonNull(id, "id");
        lock.readLock().lock();
        try {
            checkOpen();
            Entry e = entry(id);
            return e == null ? Optional.empty() : Optional.of(e.checkpoint());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Map<ConnectionId, ConnectionCheckpoint> getAll(Collection<ConnectionId> ids) {
        List<ConnectionId> wanted = List.copyOf(ids); // rejects null elements before locking
        Map<ConnectionId, ConnectionCheckpoint> found = new HashMap<>();
        lock.readLock().lock();
        try {
            checkOpen();
            for (ConnectionId id : wanted) {
                Entry e = entry(id);
                if (e != null) {
                    found.put(id, e.checkpoint());
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return Map.copyOf(found);
    }

    @Override
    public List<ConnectionCheckpoint> listByVip(Inet4Address vip) {
        Objects.requireNonNull(vip, "vip");
        lock.readLock().lock();
        try {
            checkOpen();
            Map<ConnectionId, Entry> entries = byVip.get(vip);
            return entries == null ? List.of() : entries.values().stream().map(Entry::checkpoint).toList();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public ClaimResult claim(ConnectionId id, String claimant) {
        Objects.requireNonNull(id, "id");
        requireNode(claimant, "claimant");
        lock.writeLock().lock();
        try {
            checkOpen();
            Entry e = entry(id);
            if (e == null) {
                return ClaimResult.NotFound.INSTANCE;
            }
            if (e.claimant() != null && !e.claimant().equals(claimant)) {
                return new ClaimResult.AlreadyClaimed(e.claimant());
            }
            byVip.get(id.vip()).put(id, new Entry(e.checkpoint(), claimant));
            return new ClaimResult.Claimed(e.checkpoint());
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public Optional<String> claimant(ConnectionId id) {
        Objects.requireNonNull(id, "id");
        lock.readLock().lock();
        try {
            checkOpen();
            Entry e = entry(id);
            return e == null ? Optional.empty() : Optional.ofNullable(e.claimant());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean release(ConnectionId id, String claimant) {
        Objects.requireNonNull(id, "id");
        requireNode(claimant, "claimant");
        lock.writeLock().lock();
        try {
            checkOpen();
            Entry e = entry(id);
            if (e == null || !claimant.equals(e.claimant())) {
                return false;
            }
            byVip.get(id.vip()).put(id, new Entry(e.checkpoint(), null));
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public int releaseClaims(String claimant) {
        requireNode(claimant, "claimant");
        int released = 0;
        lock.writeLock().lock();
        try {
            checkOpen();
            for (Map<ConnectionId, Entry> entries : byVip.values()) {
                for (Map.Entry<ConnectionId, Entry> me : entries.entrySet()) {
                    if (claimant.equals(me.getValue().claimant())) {
                        me.setValue(new Entry(me.getValue().checkpoint(), null));
                        released++;
                    }
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        return released;
    }

    @Override
    public Registration addListener(CheckpointListener listener) {
        Objects.requireNonNull(listener, "listener");
        lock.writeLock().lock(); // pins the event number: later changes are delivered, earlier ones not
        try {
            checkOpen();
            Subscription s = new Subscription(listener, eventSeq);
            subscriptions.add(s);
            return s;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            byVip.clear();
        } finally {
            lock.writeLock().unlock();
        }
        subscriptions.forEach(s -> s.active = false);
        subscriptions.clear();
        pending.clear();
    }

    /** The outcome the contract gives {@code c} against the current entry; the caller holds the write lock. */
    private PutResult check(ConnectionCheckpoint c) {
        Entry e = entry(c.id());
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

    /** Stores {@code c}, which passed {@link #check}; the caller holds the write lock. */
    private void store(ConnectionCheckpoint c) {
        ConnectionId id = c.id();
        Map<ConnectionId, Entry> entries = byVip.computeIfAbsent(id.vip(), v -> new HashMap<>());
        // check() refused every owner but the claimant, so either there was no claim or the claimant is writing
        // under its own name: either way the entry is unclaimed now.
        entries.put(id, new Entry(c, null));
        publish(new CheckpointEvent.Stored(c));
    }

    private Entry entry(ConnectionId id) {
        Map<ConnectionId, Entry> entries = byVip.get(id.vip());
        return entries == null ? null : entries.get(id);
    }

    /** Queues an event; the caller holds the write lock, so queue order is apply order. */
    private void publish(CheckpointEvent event) {
        if (!subscriptions.isEmpty()) {
            pending.add(new Numbered(++eventSeq, event));
        } else {
            ++eventSeq;
        }
    }

    /**
     * Delivers queued events, outside the store lock, one thread at a time. A listener that writes to the store
     * re-enters here, finds the flag taken and returns; the outer loop delivers its events next.
     */
    private void deliver() {
        while (!pending.isEmpty()) {
            if (!delivering.compareAndSet(false, true)) {
                return; // the thread holding the flag re-checks the queue after releasing it
            }
            try {
                Numbered n;
                while ((n = pending.poll()) != null) {
                    for (Subscription s : subscriptions) {
                        if (s.active && n.seq() > s.after) {
                            notify(s.listener, n.event());
                        }
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }

    private static void notify(CheckpointListener listener, CheckpointEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "checkpoint listener " + listener + " failed on " + event, e);
        }
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
