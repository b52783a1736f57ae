package dev.takeover.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.internal.PrivateCacheConfiguration;
import org.infinispan.distribution.ch.impl.ReplicatedConsistentHash;
import org.infinispan.remoting.transport.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheDefinitionsTest {

    @Test
    void everyReplicatedCacheUsesTheOwnershipThatACrashDoesNotRebalance() {
        for (Configuration c : List.of(CacheDefinitions.checkpoints(), CacheDefinitions.vips(),
                CacheDefinitions.departures())) {
            assertThat(c.module(PrivateCacheConfiguration.class).consistentHashFactory())
                    .isSameAs(CacheDefinitions.OWNERSHIP);
        }
    }

    /** What the takeover's claims rely on: the topology after a crash is the balanced one, so no rebalance follows. */
    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {2, 3, 4, 5, 7})
    void losingAnyOneNodeOfABalancedClusterNeedsNoRebalance(int nodes) {
        List<Address> members = IntStream.rangeClosed(1, nodes).mapToObj(i -> Address.random("n" + i)).toList();
        ReplicatedConsistentHash balanced = grownOneByOne(members);

        for (Address dead : members) {
            List<Address> survivors = new ArrayList<>(members);
            survivors.remove(dead);
            ReplicatedConsistentHash after = CacheDefinitions.OWNERSHIP.updateMembers(balanced, survivors,
                    capacities(survivors));

            assertThat(CacheDefinitions.OWNERSHIP.rebalance(after)).as("without %s", dead).isEqualTo(after);
            assertThat(IntStream.range(0, after.getNumSegments()).mapToObj(after::locatePrimaryOwnerForSegment))
                    .as("no segment left to %s", dead).doesNotContain(dead).containsAll(survivors);
        }
    }

    @Test
    void aJoiningNodeIsStillRebalancedIn() {
        List<Address> members = List.of(Address.random("n1"), Address.random("n2"), Address.random("n3"));
        ReplicatedConsistentHash two = grownOneByOne(members.subList(0, 2));

        ReplicatedConsistentHash joined = CacheDefinitions.OWNERSHIP.updateMembers(two, members, capacities(members));

        assertThat(CacheDefinitions.OWNERSHIP.rebalance(joined)).isNotEqualTo(joined);
    }

    /** The placement a cluster reaches when its nodes start one after another, each join rebalanced. */
    private static ReplicatedConsistentHash grownOneByOne(List<Address> members) {
        ReplicatedConsistentHash ch = CacheDefinitions.OWNERSHIP.create(1, 256, members.subList(0, 1),
                capacities(members.subList(0, 1)));
        for (int n = 1; n <= members.size(); n++) {
            List<Address> now = members.subList(0, n);
            ch = CacheDefinitions.OWNERSHIP.rebalance(CacheDefinitions.OWNERSHIP.updateMembers(ch, now, capacities(now)));
        }
        return ch;
    }

    private static Map<Address, Float> capacities(List<Address> members) {
        Map<Address, Float> factors = new HashMap<>();
        members.forEach(m -> factors.put(m, 1f));
        return factors;
    }
}
