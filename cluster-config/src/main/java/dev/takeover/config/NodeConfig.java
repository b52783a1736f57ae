package dev.takeover.config;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@code nodes} list: a machine of the cluster and the virtual IPs it serves first.
 *
 * <pre>{@code
 * nodes:
 *   - name: n1
 *     address: 198.18.0.11
 *     prefix: 24
 *     interface: eth0
 *     vips: [198.18.0.101, 198.18.0.102]
 * }</pre>
 *
 * <p>Immutable and thread-safe. The constructor checks only this node's own invariants; rules that span nodes
 * (unique names, addresses and VIPs) are enforced by {@link ClusterConfigLoader}.
 *
 * @param name          key {@code nodes[i].name}, <b>required</b>: the node's name, matching {@code [a-z0-9-]+}
 *                      and unique in the cluster. A process picks its own entry by this name.
 * @param address       key {@code nodes[i].address}, <b>required</b>: the node's own IPv4 address, unique in the
 *                      cluster. JGroups binds to it, and it must already be configured on {@code interface}.
 * @param prefix        key {@code nodes[i].prefix}, default {@value #DEFAULT_PREFIX}: the subnet prefix length of
 *                      {@code address} on {@code interface}, 1..32. Every VIP must lie inside that subnet.
 * @param interfaceName key {@code nodes[i].interface}, <b>required</b>: the network interface (e.g. {@code eth0})
 *                      on which the node's VIPs are added and announced.
 * @param vips          key {@code nodes[i].vips}, default empty: the virtual IPs this node serves when the cluster
 *                      starts; another node takes them over when this one dies. Each VIP is unique across the
 *                      whole cluster, differs from every node address and is a host address of {@link #subnet()}.
 */
public record NodeConfig(String name, Ipv4Address address, int prefix, String interfaceName,
        List<Ipv4Address> vips) {

    /** Default of {@code nodes[i].prefix}. */
    public static final int DEFAULT_PREFIX = 24;

    /**
     * @throws NullPointerException     if an argument or VIP is null
     * @throws IllegalArgumentException if {@code name} does not match {@code [a-z0-9-]+}, {@code prefix} is outside
     *                                  1..32, {@code interfaceName} is blank, or a VIP lies outside the subnet
     */
    public NodeConfig {
        Objects.requireNonNull(address, "address");
        if (!ClusterSettings.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("node name must match [a-z0-9-]+: " + name);
        }
        if (prefix < 1 || prefix > 32) {
            throw new IllegalArgumentException("prefix must be 1..32: " + prefix);
        }
        if (interfaceName.isBlank()) {
            throw new IllegalArgumentException("interface name must not be blank");
        }
        vips = List.copyOf(vips);
        Ipv4Subnet subnet = Ipv4Subnet.containing(address, prefix);
        for (Ipv4Address vip : vips) {
            if (!subnet.contains(vip)) {
                throw new IllegalArgumentException(vip + " is outside the node's subnet " + subnet);
            }
        }
    }

    /** @return the subnet {@code address/prefix}, e.g. {@code 198.18.0.0/24} */
    public Ipv4Subnet subnet() {
        return Ipv4Subnet.containing(address, prefix);
    }
}
