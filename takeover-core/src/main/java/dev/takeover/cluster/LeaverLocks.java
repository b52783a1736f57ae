package dev.takeover.cluster;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.factories.ComponentRegistry;
import org.infinispan.remoting.transport.Address;
import org.infinispan.transaction.impl.TransactionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases the locks that the unfinished transactions of a departed node hold on this node.
 *
 * <p>Infinispan rolls such transactions back when it installs a topology without their originator. But a lock
 * command the departed node sent just before it died, and that this node processes after that cleanup, leaves a lock
 * that nobody releases: the next claim of those connections waits out the lock timeout and fails. The lab drill hit
 * it: the survivor taking over the crashed node's second VIP timed out on locks held by the dead node's last
 * write-behind batch, and that VIP's downloads stalled. So after every departure the same cleanup runs again a few
 * times, until the departed node's last commands have surely been processed; a lock it releases lets a waiting claim
 * proceed at once.
 *
 * <p>Uses Infinispan's {@link TransactionTable#cleanupLeaverTransactions}, the method its own topology change calls.
 * Thread-safe; the cleanups run on one daemon thread of their own.
 */
final class LeaverLocks implements MembershipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaverLocks.class);
    /** When the cleanup runs, in ms after a departure reaches this node. */
    private static final long[] AFTER_MILLIS = {0, 50, 100, 150, 200, 300, 400, 500, 750, 1000, 2000, 5000};

    private final List<Cache<?, ?>> caches;
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("leaver-locks").daemon().factory());

    /** @param caches transactional caches; the others are skipped */
    LeaverLocks(List<Cache<?, ?>> caches) {
        this.caches = List.copyOf(caches);
    }

    @Override
    public void onEvent(MembershipEvent event) {
        if (event instanceof MembershipEvent.Left) {
            for (long delay : AFTER_MILLIS) {
                cleaner.schedule(this::cleanup, delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Rolls back, on this node, every remote transaction whose originator is not a member now. */
    void cleanup() {
        for (Cache<?, ?> cache : caches) {
            try {
                TransactionTable table = ComponentRegistry.componentOf(cache, TransactionTable.class);
                if (table != null && cache.getStatus().allowInvocations()) {
                    List<Address> members = cache.getCacheManager().getMembers();
                    table.cleanupLeaverTransactions(members);
                }
            } catch (RuntimeException e) {
                LOG.debug("cleaning up the transactions of departed nodes in {} failed: {}", cache.getName(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        cleaner.shutdownNow();
    }
}
