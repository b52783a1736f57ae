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
 * <p>Infinispan rolls a departed node's transactions back when it sees the view change, except those its partition
 * handling cannot decide at that moment ({@code PartitionHandlingManager.canRollbackTransactionAfterOriginatorLeave}):
 * their locks stay. A survivor claiming the dead node's connections then waits out the lock timeout and fails; in the
 * lab's 200-download scenario both survivors' takeovers failed so. Running the same cleanup again releases them once
 * they can be decided, which in the lab was within seconds. So after every departure the cleanup runs every
 * {@value #EVERY_MILLIS} ms for {@value #FOR_MILLIS} ms; a lock it releases lets a waiting claim proceed at once.
 *
 * <p>Uses Infinispan's {@link TransactionTable#cleanupLeaverTransactions}, the method its own view change calls.
 * Thread-safe; the cleanups run on one daemon thread of their own.
 */
final class LeaverLocks implements MembershipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaverLocks.class);
    static final long EVERY_MILLIS = 100;
    static final long FOR_MILLIS = 10_000;

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
            for (long delay = 0; delay <= FOR_MILLIS; delay += EVERY_MILLIS) {
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
