package dev.takeover.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.config.Ipv4Address;
import dev.takeover.config.NodeConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VipAssignmentTest {
    private static NodeConfig node(int i, String... vips) {
        return new NodeConfig("n" + i, Ipv4Address.parse("198.18.0." + (10 + i)), 24, "eth0",
                Stream.of(vips).map(v -> Ipv4Address.parse("198.18.0." + v)).toList());
    }

    private static final List<NodeConfig> NODES = List.of(node(1, "101", "102"), node(2, "103", "104"), node(3, "105", "106"));
    private static final Map<String, String> ALL_SERVED = Map.of("198.18.0.101", "n1", "198.18.0.102", "n1",
            "198.18.0.103", "n2", "198.18.0.104", "n2", "198.18.0.105", "n3", "198.18.0.106", "n3");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nobody gone", ALL_SERVED, Set.of("n1", "n2", "n3"), Map.of()),
                Arguments.of("n2 crashed: its two VIPs spread over both survivors", ALL_SERVED, Set.of("n1", "n3"),
                        Map.of("198.18.0.103", "n1", "198.18.0.104", "n3")),
                Arguments.of("n1 crashed", ALL_SERVED, Set.of("n2", "n3"), Map.of("198.18.0.101", "n2", "198.18.0.102", "n3")),
                Arguments.of("two crashed: the last one takes all four", ALL_SERVED, Set.of("n3"),
                        Map.of("198.18.0.101", "n3", "198.18.0.102", "n3", "198.18.0.103", "n3", "198.18.0.104", "n3")),
                Arguments.of("a VIP taken over earlier moves with its new owner", Map.of("198.18.0.101", "n1", "198.18.0.102", "n1",
                        "198.18.0.103", "n1", "198.18.0.104", "n3", "198.18.0.105", "n3", "198.18.0.106", "n3"),
                        Set.of("n2", "n3"), Map.of("198.18.0.101", "n2", "198.18.0.102", "n2", "198.18.0.103", "n2")),
                Arguments.of("a node that never served is waited for, not taken over", Map.of("198.18.0.101", "n1",
                        "198.18.0.102", "n1", "198.18.0.103", "n2", "198.18.0.104", "n2"), Set.of("n1", "n2"), Map.of()),
                Arguments.of("nobody alive: nobody takes anything", ALL_SERVED, Set.of(), Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void orphansGoToTheLeastLoadedSurvivor(String what, Map<String, String> recorded, Set<String> alive, Map<String, String> expected) {
        Map<String, String> got = new java.util.HashMap<>();
        VipAssignment.orphans(NODES, recorded, alive).forEach((vip, node) -> got.put(vip.toString(), node));
        assertThat(got).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySurvivorComputesTheSameAnswerWhateverTheOrderItSeesMembersIn(String what, Map<String, String> recorded,
                                                                          Set<String> alive, Map<String, String> expected) {
        Set<String> reordered = new java.util.LinkedHashSet<>(alive.stream().sorted(java.util.Comparator.reverseOrder()).toList());
        assertThat(VipAssignment.orphans(NODES, recorded, reordered)).isEqualTo(VipAssignment.orphans(NODES, recorded, alive));
    }

    private static Set<Ipv4Address> vips(String... last) {
        return Stream.of(last).map(v -> Ipv4Address.parse("198.18.0." + v)).collect(Collectors.toSet());
    }

    @Test
    void aNodeServingVipsTheDirectoryGivesToOthersLetsThoseGo() {
        Map<String, String> n2TookOver101 = new java.util.HashMap<>(ALL_SERVED);
        n2TookOver101.put("198.18.0.101", "n2");
        // n1 came back from a partition and served its configured 101, which n2 took over meanwhile
        assertThat(VipAssignment.servedForOthers(NODES, n2TookOver101, vips("101", "102"), "n1"))
                .isEqualTo(Map.of(Ipv4Address.parse("198.18.0.101"), "n2"));
        assertThat(VipAssignment.servedForOthers(NODES, n2TookOver101, vips("101", "103", "104"), "n2")).isEmpty();
        assertThat(VipAssignment.servedForOthers(NODES, ALL_SERVED, vips("101", "102"), "n1")).isEmpty();
        // never recorded: the configured node's, so another node serving it lets it go
        assertThat(VipAssignment.servedForOthers(NODES, Map.of(), vips("105"), "n1"))
                .isEqualTo(Map.of(Ipv4Address.parse("198.18.0.105"), "n3"));
        assertThat(VipAssignment.servedForOthers(NODES, Map.of(), Set.of(), "n1")).isEmpty();
    }
}
