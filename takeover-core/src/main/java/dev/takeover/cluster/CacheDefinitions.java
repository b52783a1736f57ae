package dev.takeover.cluster;

import dev.takeover.config.ClusterConfig;
import java.time.Duration;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.configuration.internal.PrivateCacheConfigurationBuilder;
import org.infinispan.conflict.MergePolicy;
import org.infinispan.distribution.ch.impl.ReplicatedConsistentHashFactory;
import org.infinispan.partitionhandling.PartitionHandling;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.infinispan.transaction.LockingMode;
import org.infinispan.transaction.TransactionMode;
import org.infinispan.transaction.lookup.EmbeddedTransactionManagerLookup;
import org.jgroups.JChannel;

/**
 * The Infinispan configuration of one node, built in code from the cluster file: nothing is read from Infinispan
 * XML.
 *
 * <p>Stateless and thread-safe.
 *
 * @see JGroupsChannels for the channel, built from {@code dev.takeover.config.JGroupsStack}
 */
final class CacheDefinitions {

    /** The replicated cache of checkpoints: connection key to encoded entry. */
    static final String CHECKPOINTS = "takeover-checkpoints";
    /** The replicated cache of which node serves each virtual IP now. */
    static final String VIPS = "takeover-vips";
    /** The replicated cache where a node leaving cleanly records it, so the others can tell a leave from a crash. */
    static final String DEPARTURES = "takeover-departures";

    /**
     * How long a synchronous write waits for the other nodes. A dead node is normally removed from the view well
     * before (failure detection is sub-second) and its pending requests end with the view; this bounds the rest.
     */
    static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(5);
    /** How long a write waits for a lock another writer of the same connection holds. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How a replicated cache spreads the primary ownership of its segments (whose node locks a key). Infinispan's
     * default for replicated caches ({@code SyncReplicatedConsistentHashFactory}) places segments by hashing the
     * members, so after a crash the survivors' ownership differs from its balanced placement and the coordinator
     * runs a four-phase rebalance; writes issued meanwhile retry at each phase, and a takeover's claims waited for
     * the whole of it (150-250 ms on a loaded lab node). This factory hands the dead node's segments to the
     * survivors evenly, which is already its balanced placement: a crash changes the topology once, with no
     * rebalance. A joining node still gets a rebalance (it must receive the data). Nothing is persisted, so the
     * placement needs no stability across restarts.
     */
    static final ReplicatedConsistentHashFactory OWNERSHIP = ReplicatedConsistentHashFactory.getInstance();
    /**
     * {@code -Dtakeover.infinispan-default-ownership=true} keeps Infinispan's own placement instead, for side-by-side
     * measurements ({@code load-test/bench/drill-ab.sh}); every node of a cluster must agree.
     */
    static final String DEFAULT_OWNERSHIP_PROPERTY = "takeover.infinispan-default-ownership";

    private CacheDefinitions() {
    }

    /**
     * @param config   the cluster
     * @param nodeName this node, one of {@code config}'s
     * @param channel  the node's unconnected channel ({@link JGroupsChannels#create})
     * @return the cache manager's configuration, as a builder to hand to a {@code ConfigurationBuilderHolder}
     *         unchanged: JGroups transport over {@code channel}, node and cluster name; no shutdown hook (the owner
     *         of the {@link ClusterNode} closes it, announcing the departure first)
     */
    static GlobalConfigurationBuilder global(ClusterConfig config, String nodeName, JChannel channel) {
        GlobalConfigurationBuilder global = new GlobalConfigurationBuilder();
        global.cacheManagerName("takeover-" + nodeName);
        global.transport().defaultTransport()
                .clusterName(config.cluster().name())
                .nodeName(nodeName)
                .transport(new JGroupsTransport(channel));
        global.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER);
        global.jmx().enabled(false);
        return global;
    }

    /**
     * The checkpoint cache: replicated synchronously to every node, pessimistic transactions so that a
     * read-check-write of one or several connections is atomic cluster-wide (see {@code REPLICATION.md}).
     * A partition that does not hold a majority of the last stable membership denies reads and writes
     * ({@link PartitionHandling#DENY_READ_WRITES}); on merge the majority side's entries win
     * ({@link MergePolicy#PREFERRED_ALWAYS}), since the minority could not write.
     */
    static Configuration checkpoints() {
        ConfigurationBuilder b = replicated(PartitionHandling.DENY_READ_WRITES, MergePolicy.PREFERRED_ALWAYS);
        b.transaction().transactionMode(TransactionMode.TRANSACTIONAL)
                .lockingMode(LockingMode.PESSIMISTIC)
                .transactionManagerLookup(new EmbeddedTransactionManagerLookup());
        b.locking().lockAcquisitionTimeout(LOCK_TIMEOUT.toMillis());
        b.statistics().enabled(false);
        return b.build();
    }

    /**
     * The departures cache: node name to the time it announced leaving. Reads and writes stay allowed in a
     * minority partition: the only reader is this node's own view listener, and a stale marker only makes a crash
     * look like a clean leave for a node that left earlier and has not restarted since.
     */
    static Configuration departures() {
        return replicated(PartitionHandling.ALLOW_READ_WRITES, MergePolicy.PREFERRED_NON_NULL).build();
    }

    /**
     * The VIP directory: virtual IP to the node serving it. Replicated synchronously; a minority partition may
     * neither read nor write it ({@link PartitionHandling#DENY_READ_WRITES}), so it can never claim an address; on
     * merge the majority's entries win.
     */
    static Configuration vips() {
        return replicated(PartitionHandling.DENY_READ_WRITES, MergePolicy.PREFERRED_ALWAYS).build();
    }

    /**
     * A synchronously replicated cache with the given split and merge behaviour, statistics off, and
     * {@link #OWNERSHIP}.
     */
    private static ConfigurationBuilder replicated(PartitionHandling whenSplit, MergePolicy merge) {
        ConfigurationBuilder b = new ConfigurationBuilder();
        b.clustering().cacheMode(CacheMode.REPL_SYNC)
                .remoteTimeout(REMOTE_TIMEOUT.toMillis())
                .partitionHandling()
                .whenSplit(whenSplit)
                .mergePolicy(merge);
        if (!Boolean.getBoolean(DEFAULT_OWNERSHIP_PROPERTY)) {
            b.addModule(PrivateCacheConfigurationBuilder.class).consistentHashFactory(OWNERSHIP);
        }
        b.statistics().enabled(false);
        return b;
    }
}
