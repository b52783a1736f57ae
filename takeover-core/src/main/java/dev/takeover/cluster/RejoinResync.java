package dev.takeover.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.commons.marshall.WrappedBytes;
import org.infinispan.conflict.ConflictManager;
import org.infinispan.conflict.ConflictManagerFactory;
import org.infinispan.container.entries.CacheEntry;
import org.infinispan.context.Flag;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.infinispan.remoting.transport.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a partition heals, a node that was in the minority makes its own replica of each cache agree with the
 * majority's, entry by entry.
 *
 * <p>Why: the minority could not write (its caches deny reads and writes), so after a merge the majority's entries
 * are the truth, and Infinispan's conflict resolution normally makes every replica say so. When that resolution
 * fails (a node suspected or a request timed out during the merge) Infinispan logs it and moves on, and this node
 * would keep its stale entries for good: it reads its own replica, so a later takeover would act on them. Once the
 * merge has settled, this class compares the replicas ({@link ConflictManager#getConflicts()}) and, on this node
 * only, writes what the majority's members hold, removals included. After a resolution that worked it finds nothing.
 *
 * <p>Acts only on a {@link MembershipEvent.Merged} into a majority view in which this node's own subgroup was a
 * minority; if the majority's members disagree among themselves about an entry, that entry is left alone. Thread-safe;
 * the work runs on one daemon thread of its own, so the membership thread is not held up.
 */
final class RejoinResync implements MembershipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RejoinResync.class);
    /** How long to wait for the merge's state transfer and conflict resolution to end before comparing. */
    static final long SETTLE_MILLIS = 60_000;
    private static final long POLL_MILLIS = 100;
    /**
     * Comparisons per cache at most: writes that land while one runs can make it see, or leave, a difference that the
     * next one settles.
     */
    static final int MAX_PASSES = 5;

    private final String self;
    private final int quorum;
    private final List<Cache<?, ?>> caches;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("rejoin-resync").daemon().factory());

    /**
     * @param self   this node's name
     * @param quorum members a view needs for a majority ({@link Membership#quorum()})
     * @param caches the replicated caches whose minority side cannot write
     */
    RejoinResync(String self, int quorum, List<Cache<?, ?>> caches) {
        this.self = Objects.requireNonNull(self, "self");
        this.quorum = quorum;
        this.caches = List.copyOf(caches);
    }

    @Override
    public void onEvent(MembershipEvent event) {
        if (event instanceof MembershipEvent.Merged merged) {
            majoritySide(merged, self, quorum).ifPresent(trusted -> worker.execute(() -> resyncAll(trusted)));
        }
    }

    /**
     * @return the members whose replicas to adopt, if {@code merged} brought this node from a minority subgroup
     *         into a majority view: the members of the subgroup that held a majority (at most one can have); else
     *         empty
     */
    static Optional<Set<String>> majoritySide(MembershipEvent.Merged merged, String self, int quorum) {
        // This node's own subgroup is among the merged ones, so one that held a majority without it means it was not.
        return merged.majoritySubgroup(quorum).filter(v -> !v.contains(self)).map(v -> Set.copyOf(v.members()));
    }

    private void resyncAll(Set<String> trusted) {
        for (Cache<?, ?> cache : caches) {
            try {
                if (!awaitSettled(cache)) {
                    LOG.warn("{}: {} did not settle within {} ms after the merge; its replica is not compared", self,
                            cache.getName(), SETTLE_MILLIS);
                    continue;
                }
                int adopted = 0;
                for (int pass = 0, changed = -1; pass < MAX_PASSES && changed != 0; pass++) {
                    changed = adoptMajority(cache.getAdvancedCache(), trusted);
                    adopted += changed;
                }
                if (adopted > 0) {
                    LOG.warn("{}: {}: {} entries of this node's replica differed from the majority's ({}) after the "
                            + "merge; took the majority's", self, cache.getName(), adopted, trusted);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("{}: comparing {} with the majority's replicas failed: {}", self, cache.getName(),
                        e.toString());
            }
        }
    }

    /** Waits until {@code cache} is available with no state transfer or conflict resolution under way. */
    private static boolean awaitSettled(Cache<?, ?> cache) throws InterruptedException {
        ConflictManager<?, ?> conflicts = ConflictManagerFactory.get(cache.getAdvancedCache());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        while (cache.getStatus().allowInvocations()) {
            if (cache.getAdvancedCache().getAvailability() == AvailabilityMode.AVAILABLE
                    && !conflicts.isStateTransferInProgress() && !conflicts.isConflictResolutionInProgress()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return false;
    }

    /**
     * Makes this node's replica of {@code cache} hold, for every entry whose replicas differ, what the members
     * named {@code trusted} hold (nothing, if they hold nothing). Writes locally only: the other replicas are left
     * as they are.
     *
     * @return how many entries of this node's replica changed
     */
    static <K, V> int adoptMajority(AdvancedCache<K, V> cache, Set<String> trusted) {
        Address me = cache.getCacheManager().getAddress();
        AdvancedCache<K, V> local = cache.withFlags(Flag.CACHE_MODE_LOCAL, Flag.IGNORE_RETURN_VALUES);
        List<Map<Address, CacheEntry<K, V>>> differing;
        try (Stream<Map<Address, CacheEntry<K, V>>> conflicts = ConflictManagerFactory.get(cache).getConflicts()) {
            differing = conflicts.toList();
        }
        int adopted = 0;
        for (Map<Address, CacheEntry<K, V>> versions : differing) {
            Optional<Held<V>> majority = agreed(versions, trusted);
            Optional<K> key = versions.values().stream().filter(Objects::nonNull).map(CacheEntry::getKey)
                    .filter(Objects::nonNull).findFirst();
            V mine = valueOf(versions.get(me));
            if (majority.isEmpty() || key.isEmpty() || Objects.deepEquals(mine, majority.get().value())
                    // A write replicated since the comparison wins; a later pass sees what remains.
                    || !Objects.deepEquals(local.get(key.get()), mine)) {
                continue;
            }
            if (majority.get().value() == null) {
                local.remove(key.get());
            } else {
                local.put(key.get(), majority.get().value());
            }
            adopted++;
        }
        return adopted;
    }

    /** What the trusted members hold for one entry: a value, or null for nothing. */
    private record Held<V>(V value) {
    }

    /** @return what every trusted member holds, or empty if they disagree or none of them answered */
    private static <K, V> Optional<Held<V>> agreed(Map<Address, CacheEntry<K, V>> versions, Set<String> trusted) {
        Held<V> agreed = null;
        for (Map.Entry<Address, CacheEntry<K, V>> version : versions.entrySet()) {
            if (trusted.contains(version.getKey().toString())) {
                V value = valueOf(version.getValue());
                if (agreed != null && !Objects.deepEquals(agreed.value(), value)) {
                    return Optional.empty();
                }
                agreed = new Held<>(value);
            }
        }
        return Optional.ofNullable(agreed);
    }

    /** The entry's value as the cache's users see it: the conflict manager hands stored byte arrays out wrapped. */
    @SuppressWarnings("unchecked")
    private static <V> V valueOf(CacheEntry<?, V> entry) {
        Object value = entry == null ? null : entry.getValue();
        return (V) (value instanceof WrappedBytes wrapped ? wrapped.getBytes() : value);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
