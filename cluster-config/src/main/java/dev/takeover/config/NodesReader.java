package dev.takeover.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the {@code nodes} list and checks the rules that span nodes: unique names, unique addresses, and VIPs that
 * are unique, distinct from node addresses and inside their node's subnet. Not thread-safe: one instance per load.
 */
final class NodesReader {

    static final List<String> NODE_KEYS = List.of("name", "address", "prefix", "interface", "vips");

    private final Problems problems;

    NodesReader(Problems problems) {
        this.problems = problems;
    }

    /** A value as read, with where it was written; {@code value} is null when invalid (already reported). */
    private record Located<T>(T value, Node at, String field) {
    }

    /** One node as read; any value may be null when it was invalid or missing (already reported). */
    private record Draft(String name, Located<Ipv4Address> address, Integer prefix, String interfaceName,
            List<Located<Ipv4Address>> vips) {
    }

    /** @return the nodes, or null when a problem has been recorded */
    List<NodeConfig> read(MappingReader top) {
        int before = problems.count();
        List<Node> items = top.sequence("nodes", "nodes", true);
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            problems.at(top.locate("nodes"), "nodes", "at least one node is required");
            return null;
        }
        if (items.size() > ClusterConfig.MAX_NODES) {
            problems.at(top.locate("nodes"), "nodes",
                    "at most " + ClusterConfig.MAX_NODES + " nodes are supported, found " + items.size());
        }
        List<Draft> drafts = new ArrayList<>();
        Map<String, String> nameFirstSeen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            MappingReader node = MappingReader.of(items.get(i), "nodes[" + i + "]", NODE_KEYS, problems);
            if (node != null) {
                Draft draft = draft(node);
                drafts.add(draft);
                checkUniqueName(draft, node, nameFirstSeen);
            }
        }
        checkAddresses(drafts);
        if (problems.count() != before) {
            return null;
        }
        return drafts.stream().map(d -> new NodeConfig(d.name(), d.address().value(), d.prefix(), d.interfaceName(),
                d.vips().stream().map(Located::value).toList())).toList();
    }

    private Draft draft(MappingReader node) {
        String name = node.required("name", ValueTypes.NAME);
        Ipv4Address address = node.required("address", ValueTypes.IPV4);
        Integer prefix = node.optional("prefix", ValueTypes.PREFIX, NodeConfig.DEFAULT_PREFIX);
        String interfaceName = node.required("interface", ValueTypes.INTERFACE);
        List<Located<Ipv4Address>> vips = new ArrayList<>();
        List<Node> vipNodes = node.sequence("vips", "IPv4 addresses", false);
        if (vipNodes != null) {
            for (int i = 0; i < vipNodes.size(); i++) {
                String field = node.field("vips") + "[" + i + "]";
                vips.add(new Located<>(MappingReader.scalar(vipNodes.get(i), field, ValueTypes.IPV4, problems),
                        vipNodes.get(i), field));
            }
        }
        return new Draft(name, new Located<>(address, node.locate("address"), node.field("address")), prefix,
                interfaceName, vips);
    }

    private void checkUniqueName(Draft draft, MappingReader node, Map<String, String> firstSeen) {
        if (draft.name() == null) {
            return;
        }
        String here = node.field("name") + " (" + Problems.lineOf(node.locate("name")) + ")";
        String first = firstSeen.putIfAbsent(draft.name(), here);
        if (first != null) {
            problems.at(node.locate("name"), node.field("name"),
                    "duplicate node name '" + draft.name() + "', already used by " + first);
        }
    }

    private void checkAddresses(List<Draft> drafts) {
        // Node addresses first, so that a VIP listed before the node whose address it repeats is still caught.
        Map<Ipv4Address, Draft> owners = new HashMap<>();
        for (Draft draft : drafts) {
            Located<Ipv4Address> address = draft.address();
            if (address.value() == null) {
                continue;
            }
            Draft first = owners.putIfAbsent(address.value(), draft);
            if (first != null) {
                problems.at(address.at(), address.field(), "duplicate node address " + address.value()
                        + ", already the address of " + nodeWhere(first));
            } else if (draft.prefix() != null) {
                Ipv4Subnet subnet = Ipv4Subnet.containing(address.value(), draft.prefix());
                if (!subnet.isHostAddress(address.value())) {
                    problems.at(address.at(), address.field(), reservedAddress(address.value(), subnet));
                }
            }
        }
        Map<Ipv4Address, Located<Ipv4Address>> vipsSeen = new HashMap<>();
        for (Draft draft : drafts) {
            for (Located<Ipv4Address> vip : draft.vips()) {
                if (vip.value() != null) {
                    checkVip(draft, vip, owners, vipsSeen);
                }
            }
        }
    }

    private void checkVip(Draft draft, Located<Ipv4Address> vip, Map<Ipv4Address, Draft> nodeAddresses,
            Map<Ipv4Address, Located<Ipv4Address>> vipsSeen) {
        Draft addressOwner = nodeAddresses.get(vip.value());
        Located<Ipv4Address> first = vipsSeen.putIfAbsent(vip.value(), vip);
        if (addressOwner != null) {
            problems.at(vip.at(), vip.field(), vip.value() + " is the address of " + nodeWhere(addressOwner)
                    + "; a VIP must not be a node address");
        } else if (first != null) {
            problems.at(vip.at(), vip.field(), "duplicate VIP " + vip.value() + ", already listed at "
                    + first.field() + " (" + Problems.lineOf(first.at()) + ")");
        } else if (draft.address().value() != null && draft.prefix() != null) {
            Ipv4Subnet subnet = Ipv4Subnet.containing(draft.address().value(), draft.prefix());
            if (!subnet.contains(vip.value())) {
                problems.at(vip.at(), vip.field(), vip.value() + " is outside the node's subnet " + subnet);
            } else if (!subnet.isHostAddress(vip.value())) {
                problems.at(vip.at(), vip.field(), reservedAddress(vip.value(), subnet));
            }
        }
    }

    private static String reservedAddress(Ipv4Address address, Ipv4Subnet subnet) {
        String which = address.equals(subnet.network()) ? "network" : "broadcast";
        return address + " is the " + which + " address of the subnet " + subnet + ", not a host address";
    }

    private static String nodeWhere(Draft node) {
        String name = node.name() == null ? "" : "node " + node.name() + " ";
        return name + "(" + node.address().field() + ", " + Problems.lineOf(node.address().at()) + ")";
    }
}
