package dev.takeover.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole cluster file: one immutable value shared by every node of the cluster. Obtain it from
 * {@link ClusterConfigLoader}, which validates everything, including the rules that span sections.
 *
 * <p>Immutable and thread-safe. The constructor checks nulls, that there is at least one node and that node names
 * are unique; the remaining cross-node rules are the loader's.
 *
 * @param cluster          the {@code cluster} section, required
 * @param nodes            the {@code nodes} list, required: 1..{@value #MAX_NODES} nodes, in file order
 * @param origin           the {@code origin} section, required
 * @param proxy            the {@code proxy} section; {@link ProxyConfig#DEFAULTS} when absent
 * @param cache            the {@code cache} section; {@link CacheConfig#DEFAULTS} when absent
 * @param checkpoint       the {@code checkpoint} section; {@link CheckpointConfig#DEFAULTS} when absent
 * @param failureDetection the {@code failure-detection} section; {@link FailureDetectionConfig#DEFAULTS} when
 *                         absent
 */
public record ClusterConfig(ClusterSettings cluster, List<NodeConfig> nodes, OriginConfig origin, ProxyConfig proxy,
        CacheConfig cache, CheckpointConfig checkpoint, FailureDetectionConfig failureDetection) {

    /** The largest number of nodes a cluster may have. */
    public static final int MAX_NODES = 32;

    /**
     * @throws NullPointerException     if an argument or node is null
     * @throws IllegalArgumentException if {@code nodes} is empty, longer than {@value #MAX_NODES}, or repeats a name
     */
    public ClusterConfig {
        Objects.requireNonNull(cluster, "cluster");
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(failureDetection, "failureDetection");
        if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
            throw new IllegalArgumentException("a cluster has 1.." + MAX_NODES + " nodes, not " + nodes.size());
        }
        Set<String> names = new HashSet<>();
        for (NodeConfig node : nodes) {
            if (!names.add(node.name())) {
                throw new IllegalArgumentException("duplicate node name " + node.name());
            }
        }
    }

    /**
     * @param name a node name, not null
     * @return the node of that name, or empty when the file has none
     */
    public Optional<NodeConfig> node(String name) {
        Objects.requireNonNull(name, "name");
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /**
     * Lets a single-node setup start without naming its node.
     *
     * @return the only node when the file lists exactly one, otherwise empty
     */
    public Optional<NodeConfig> singleNode() {
        return nodes.size() == 1 ? Optional.of(nodes.getFirst()) : Optional.empty();
    }

    /**
     * @param vip a virtual IP, not null
     * @return the node that serves {@code vip} when the cluster starts, or empty when no node lists it
     */
    public Optional<NodeConfig> initialOwner(Ipv4Address vip) {
        Objects.requireNonNull(vip, "vip");
        return nodes.stream().filter(n -> n.vips().contains(vip)).findFirst();
    }

    /** @return every VIP of the cluster, in file order */
    public List<Ipv4Address> vips() {
        return nodes.stream().flatMap(n -> n.vips().stream()).toList();
    }
}
