package dev.takeover.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.infinispan.Cache;
import org.infinispan.conflict.ConflictManager;
import org.infinispan.conflict.ConflictManagerFactory;
import org.infinispan.topology.CacheTopology;

/**
 * Which node serves each virtual IP now, replicated to every node. A VIP absent from the directory is
 * served by the node the cluster file gives it. Ownership is sticky: a VIP moves only when its node
 * dies, so a revived node does not pull its addresses, and the connections on them, back.
 *
 * <p>Claims are conditional ({@link #claim}): of two survivors that both believe they should take a
 * VIP, one wins. In a minority partition every method throws (the cache denies reads and writes), so
 * a minority can never claim an address.
 *
 * <p>Thread-safe.
 */
public final class VipDirectory {
    private final Cache<String, String> cache;

    VipDirectory(Cache<String, String> cache) {
        this.cache = cache;
    }

    /** The node recorded for {@code vip}, or empty when it is still with the node the cluster file gives it. */
    public Optional<String> owner(String vip) {
        return Optional.ofNullable(cache.get(Objects.requireNonNull(vip, "vip")));
    }

    /**
     * Whether this replica holds the cluster's directory: the cache's topology here has every one of {@code members}
     * and no rebalance, state transfer or conflict resolution is under way. Right after a merge it does not yet: a
     * node that was on its own reads its own copy (empty, if it restarted), and a decision on it would claim a VIP
     * that another node serves.
     */
    public boolean holdsDirectoryOf(Set<String> members) {
        CacheTopology topology = cache.getAdvancedCache().getDistributionManager().getCacheTopology();
        if (topology == null || topology.getPhase() != CacheTopology.Phase.NO_REBALANCE) {
            return false;
        }
        Set<String> here = topology.getActualMembers().stream().map(Object::toString).collect(Collectors.toSet());
        ConflictManager<String, String> conflicts = ConflictManagerFactory.get(cache.getAdvancedCache());
        return here.containsAll(members) && !conflicts.isStateTransferInProgress()
                && !conflicts.isConflictResolutionInProgress();
    }

    /** Every recorded VIP and its node. */
    public Map<String, String> recorded() {
        return Map.copyOf(cache);
    }

    /**
     * Records {@code claimant} as the node of {@code vip} if the directory still says {@code expected}
     * (null: not recorded yet).
     *
     * @return whether the claim took effect
     */
    public boolean claim(String vip, String expected, String claimant) {
        Objects.requireNonNull(vip, "vip");
        Objects.requireNonNull(claimant, "claimant");
        if (expected == null) {
            return cache.putIfAbsent(vip, claimant) == null || claimant.equals(cache.get(vip));
        }
        return expected.equals(claimant) ? claimant.equals(cache.get(vip)) : cache.replace(vip, expected, claimant);
    }
}
