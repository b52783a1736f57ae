package dev.takeover.cluster;

import dev.takeover.checkpoint.CheckpointEvent;
import dev.takeover.checkpoint.CheckpointListener;
import dev.takeover.checkpoint.Registration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryCreatedEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryModifiedEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryRemovedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the changes this node's replica of the checkpoint cache applies, whichever node made them, into
 * {@link CheckpointEvent}s for the store's listeners.
 *
 * <p>Infinispan calls the {@code @CacheEntry*} methods synchronously on the thread applying a change, while the
 * change's locks are held; here they only decode and queue, in that order. One daemon thread delivers the queue,
 * so each listener gets one event at a time, each connection's events in apply order (the cluster applies one
 * connection's changes one after the other under its lock), and a listener may write to the store without
 * deadlock. The entries of a bundle are held back until all have been applied, then queued in bundle order.
 *
 * <p>Thread-safe.
 */
@Listener(sync = true, observation = Listener.Observation.POST)
final class CheckpointEvents {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointEvents.class);
    /** Bundles partly seen (the store started while one was being applied) are dropped beyond this many. */
    private static final int MAX_PENDING_BUNDLES = 1024;

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

    private final Cache<String, byte[]> cache;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery;
    private final Object lock = new Object();
    // @GuardedBy("lock")
    private final Map<Long, StoredEntry[]> pendingBundles = new LinkedHashMap<>();
    // @GuardedBy("lock")
    private long seq;
    /** Whether this is registered with the cache; guarded by {@link #lock}. */
    private boolean listening;

    private CheckpointEvents(Cache<String, byte[]> cache, String nodeName) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "takeover-checkpoint-events-" + nodeName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @return the events of {@code cache}'s local replica. It listens to the cache from the first subscription on:
     *         until then applying a change costs nothing more (a node usually has no subscriber at all)
     */
    static CheckpointEvents open(Cache<String, byte[]> cache, String nodeName) {
        return new CheckpointEvents(cache, nodeName);
    }

    /** Subscribes {@code listener} to the changes applied after this call. */
    Registration subscribe(CheckpointListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (!listening) {
                cache.addListener(this);
                listening = true;
            }
            Subscription s = new Subscription(listener, seq);
            subscriptions.add(s);
            return s;
        }
    }

    @CacheEntryCreated
    public void created(CacheEntryCreatedEvent<String, byte[]> event) {
        if (!subscriptions.isEmpty()) { // nobody listening (the usual case on a node): no decoding on the apply path
            written(event.getValue());
        }
    }

    @CacheEntryModified
    public void modified(CacheEntryModifiedEvent<String, byte[]> event) {
        if (!event.isCreated() && !subscriptions.isEmpty()) { // a creation also raises @CacheEntryCreated
            written(event.getNewValue());
        }
    }

    @CacheEntryRemoved
    public void removed(CacheEntryRemovedEvent<String, byte[]> event) {
        byte[] old = event.getOldValue();
        if (old != null && !subscriptions.isEmpty()) {
            removedValue(old);
        }
    }

    /**
     * A change written to the replica past the cache's command chain ({@link CheckpointJournal}), which raises no
     * cache event: reported as the cache would have. Called on the applying thread, right after the change.
     *
     * @param newValue the value written, or null for a removal of {@code oldValue}
     */
    void applied(byte[] oldValue, byte[] newValue) {
        if (subscriptions.isEmpty()) {
            return;
        }
        if (newValue != null) {
            written(newValue);
        } else if (oldValue != null) {
            removedValue(oldValue);
        }
    }

    private void removedValue(byte[] old) {
        StoredEntry e = StoredEntry.decode(old);
        publish(List.of(new CheckpointEvent.Removed(e.checkpoint().id(), e.checkpoint().version())));
    }

    private void written(byte[] value) {
        if (value == null) {
            return;
        }
        StoredEntry e = StoredEntry.decode(value);
        if (e.change() != StoredEntry.Change.STORED) {
            return; // claims and releases are not checkpoint changes
        }
        if (e.bundle() == null) {
            publish(List.of(new CheckpointEvent.Stored(e.checkpoint())));
            return;
        }
        List<CheckpointEvent> complete = null;
        synchronized (lock) {
            StoredEntry.BundleMark mark = e.bundle();
            StoredEntry[] parts = pendingBundles.computeIfAbsent(mark.stamp(),
                    s -> new StoredEntry[mark.members().size()]);
            parts[mark.index()] = e;
            if (Arrays.stream(parts).allMatch(Objects::nonNull)) {
                pendingBundles.remove(mark.stamp());
                complete = new ArrayList<>(parts.length);
                for (StoredEntry part : parts) {
                    complete.add(new CheckpointEvent.Stored(part.checkpoint()));
                }
            } else if (pendingBundles.size() > MAX_PENDING_BUNDLES) {
                Iterator<Long> oldest = pendingBundles.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        if (complete != null) {
            publish(complete);
        }
    }

    /** Numbers and queues events; called on the applying thread, so queue order is apply order per connection. */
    private void publish(List<CheckpointEvent> events) {
        List<Numbered> numbered = new ArrayList<>(events.size());
        synchronized (lock) {
            for (CheckpointEvent event : events) {
                numbered.add(new Numbered(++seq, event));
            }
            if (subscriptions.isEmpty()) {
                return;
            }
            try {
                delivery.execute(() -> deliver(numbered));
            } catch (RejectedExecutionException closed) {
                LOG.debug("checkpoint events closed, dropping {}", events);
            }
        }
    }

    private void deliver(List<Numbered> events) {
        for (Numbered n : events) {
            for (Subscription s : subscriptions) {
                if (s.active && n.seq() > s.after) {
                    try {
                        s.listener.onEvent(n.event());
                    } catch (RuntimeException e) {
                        LOG.warn("checkpoint listener {} failed on {}", s.listener, n.event(), e);
                    }
                }
            }
        }
    }

    /** Stops listening to the cache and drops every subscription. */
    void close() {
        try {
            cache.removeListener(this);
        } catch (RuntimeException e) {
            LOG.debug("could not remove the cache listener (cache stopped?)", e);
        }
        subscriptions.forEach(s -> s.active = false);
        subscriptions.clear();
        delivery.shutdown();
        try {
            delivery.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
