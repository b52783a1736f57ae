package dev.takeover.failover;

import dev.takeover.config.Ipv4Address;
import dev.takeover.config.NodeConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who serves each virtual IP, decided at the moment of a failure from what every survivor knows
 * alike: the cluster file, the VIP directory and the view. No backup is assigned in advance.
 *
 * <p>A VIP's owner is the node the directory records, or else the node the cluster file gives it.
 * A VIP is orphaned when it is recorded (some node served it) and its owner is not in the view; a
 * VIP never recorded belongs to a node that never came up, and waits for it. Orphans go, one at a
 * time in cluster-file order, to the live node serving the fewest VIPs so far (ties: the smaller
 * name). Every survivor computes the same answer, and the directory's conditional claim settles any
 * race.
 *
 * <p>Pure and stateless.
 */
public final class VipAssignment {
    private VipAssignment() {}

    /**
     * @param nodes    the cluster file's nodes, in file order
     * @param recorded the VIP directory: VIP to its recorded node
     * @param alive    the members of the current view
     * @return each orphaned VIP with the node that takes it, in cluster-file order
     */
    public static Map<Ipv4Address, String> orphans(List<NodeConfig> nodes, Map<String, String> recorded, Set<String> alive) {
        Map<Ipv4Address, String> owners = owners(nodes, recorded);
        Map<String, Integer> load = new HashMap<>();
        for (String node : new TreeSet<>(alive)) {
            load.put(node, 0);
        }
        List<Ipv4Address> orphaned = new ArrayList<>();
        owners.forEach((vip, owner) -> {
            if (alive.contains(owner)) {
                load.merge(owner, 1, Integer::sum);
            } else if (recorded.containsKey(vip.toString())) {
                orphaned.add(vip);
            }
        });
        Map<Ipv4Address, String> takers = new LinkedHashMap<>();
        if (load.isEmpty()) {
            return takers;
        }
        for (Ipv4Address vip : orphaned) {
            String taker = load.entrySet().stream()
                    .min(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).thenComparing(Map.Entry::getKey))
                    .orElseThrow().getKey();
            takers.put(vip, taker);
            load.merge(taker, 1, Integer::sum);
        }
        return takers;
    }

    /**
     * The VIPs among {@code served} that belong to another node (recorded for it, or, never recorded, configured for
     * it), each with that node. A node serving one of these must let it go: two nodes must never answer for one
     * address. In cluster-file order.
     *
     * @param served the VIPs {@code self} serves now
     */
    public static Map<Ipv4Address, String> servedForOthers(List<NodeConfig> nodes, Map<String, String> recorded,
                                                           Set<Ipv4Address> served, String self) {
        Map<Ipv4Address, String> others = new LinkedHashMap<>();
        owners(nodes, recorded).forEach((vip, owner) -> {
            if (served.contains(vip) && !owner.equals(self)) {
                others.put(vip, owner);
            }
        });
        return others;
    }

    /** Every VIP with its current owner: recorded, else configured. In cluster-file order. */
    public static Map<Ipv4Address, String> owners(List<NodeConfig> nodes, Map<String, String> recorded) {
        Map<Ipv4Address, String> owners = new LinkedHashMap<>();
        for (NodeConfig n : nodes) {
            for (Ipv4Address vip : n.vips()) {
                owners.put(vip, recorded.getOrDefault(vip.toString(), n.name()));
            }
        }
        return owners;
    }
}
