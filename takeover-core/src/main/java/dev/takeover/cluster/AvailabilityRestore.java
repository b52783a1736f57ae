package dev.takeover.cluster;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import org.infinispan.Cache;
import org.infinispan.partitionhandling.AvailabilityMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes degraded caches available again once this node is in a majority of the cluster file.
 *
 * <p>Why: Infinispan counts a majority against the last stable members, and to it a crashed node that restarts is a
 * new member, so a partition degraded by the crash would stay degraded after the node is back. The cluster file is
 * the authority (only one majority of it can exist), so after a view that gives this node a majority, a cache still
 * degraded is made available.
 *
 * <p>Not at once after a merge in which one side held a majority: Infinispan's own merge handling (on the merged
 * view's coordinator) makes the caches available with that side's topology and resolves conflicts. Forcing
 * availability from the returning minority node while that runs, when that node happened to coordinate the merged
 * view, left its stale replica in place and the cache's state transfer hanging in one of about twenty namespace runs.
 * So after such a merge the check waits {@value #AFTER_MERGE_MILLIS} ms, and acts only if the view is still the
 * merged one and the cache still degraded. A merge of minorities only (a restarted node that formed a cluster of its
 * own, say, meeting a survivor left alone) stays degraded in Infinispan's count: there the check acts at once.
 *
 * <p>Thread-safe; delayed checks run on one daemon thread of their own.
 */
final class AvailabilityRestore implements MembershipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AvailabilityRestore.class);
    /** How long Infinispan's merge handling has before a cache still degraded is made available. */
    static final long AFTER_MERGE_MILLIS = 10_000;

    private final String self;
    private final Membership membership;
    private final LongPredicate healedPartition;
    private final List<Cache<?, ?>> caches;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("availability-restore").daemon().factory());

    /**
     * @param healedPartition whether the view of that id, if it is still the current one, healed a partition
     * @param caches          the caches that deny reads and writes in a minority partition
     */
    AvailabilityRestore(String self, Membership membership, LongPredicate healedPartition, List<Cache<?, ?>> caches) {
        this.self = self;
        this.membership = membership;
        this.healedPartition = healedPartition;
        this.caches = List.copyOf(caches);
    }

    @Override
    public void onEvent(MembershipEvent event) {
        if (event instanceof MembershipEvent.MinorityEntered || !membership.isMajority()) {
            return;
        }
        long viewId = event.view().id();
        BooleanSupplier stillDue = () -> membership.view().id() == viewId && membership.isMajority();
        if (!healedPartition.test(viewId)) {
            restore(stillDue);
        } else if (event instanceof MembershipEvent.Merged merged) {
            if (merged.majoritySubgroup(membership.quorum()).isPresent()) {
                later.schedule(() -> restore(stillDue), AFTER_MERGE_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                restore(stillDue); // minorities only: Infinispan keeps the merged caches degraded
            }
        }
    }

    private void restore(BooleanSupplier stillDue) {
        for (Cache<?, ?> cache : caches) {
            if (!stillDue.getAsBoolean() || !cache.getStatus().allowInvocations()
                    || cache.getAdvancedCache().getAvailability() != AvailabilityMode.DEGRADED_MODE) {
                continue;
            }
            try {
                cache.getAdvancedCache().setAvailability(AvailabilityMode.AVAILABLE);
                LOG.info("{}: {} available again: a majority of the cluster file is back ({})", self, cache.getName(),
                        membership.view());
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot make {} available: {}", self, cache.getName(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        later.shutdownNow();
    }
}
