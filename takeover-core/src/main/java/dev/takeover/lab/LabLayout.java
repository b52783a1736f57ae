package dev.takeover.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Where everything of the lab lives: namespaces {@code tko-lan} (the bridge), {@code tko-origin},
 * {@code tko-n1..N}, {@code tko-client}, and their addresses in 198.18.0.0/24 (the benchmarking
 * range), which exist only inside those namespaces: no default route, nothing bridged outside.
 *
 * <p>Node {@code i} has address {@code 198.18.0.(10+i)} and first serves the virtual IPs
 * {@code 198.18.0.(100+2i-1)} and {@code 198.18.0.(100+2i)}: two each, so a crashed node's VIPs
 * can be spread over the survivors.
 */
public record LabLayout(int nodeCount) {
    public static final String PREFIX = "tko-";
    public static final String LAN = PREFIX + "lan";
    public static final String BRIDGE = "br0";
    public static final String SUBNET = "198.18.0.0/24";
    public static final int PREFIX_LENGTH = 24;
    public static final Host ORIGIN = new Host("origin", PREFIX + "origin", "198.18.0.2");
    public static final Host CLIENT = new Host("client", PREFIX + "client", "198.18.0.3");
    public static final int HTTP_PORT = 80;
    /** Origin connections per node: room for every download of the largest drill, on one survivor. */
    public static final int ORIGIN_CONNECTIONS = 256;
    /** The nodes' limit from a request to the origin's first byte: see {@link #clusterFile}. */
    public static final String ORIGIN_RESPONSE_TIMEOUT = "30s";
    public static final int VIPS_PER_NODE = 2;

    public LabLayout {
        if (nodeCount < 1 || nodeCount > 8) {
            throw new IllegalArgumentException("the lab has 1 to 8 nodes, not " + nodeCount);
        }
    }

    /** One host of the lab: a namespace with one interface, {@code eth0}, on the bridge. */
    public record Host(String name, String namespace, String address) {
        /** The bridge-side end of the host's veth pair (in {@link #LAN}); at most 15 characters. */
        public String bridgePort() {
            return PREFIX + name + "-br";
        }
    }

    /** A proxy node and the VIPs it serves first. */
    public record Node(Host host, List<String> vips) {
        public String name() {
            return host.name();
        }
    }

    public List<Node> nodes() {
        return IntStream.rangeClosed(1, nodeCount).mapToObj(i -> new Node(
                new Host("n" + i, PREFIX + "n" + i, "198.18.0." + (10 + i)),
                IntStream.rangeClosed(1, VIPS_PER_NODE).mapToObj(v -> "198.18.0." + (100 + VIPS_PER_NODE * (i - 1) + v)).toList()))
                .toList();
    }

    public Node node(String name) {
        return nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow(() ->
                new LabException("no node '" + name + "' in the lab (it has " + String.join(", ",
                        nodes().stream().map(Node::name).toList()) + ")"));
    }

    /** Every host, nodes included, except the bridge. */
    public List<Host> hosts() {
        List<Host> hosts = new ArrayList<>(List.of(ORIGIN, CLIENT));
        nodes().forEach(n -> hosts.add(n.host()));
        return hosts;
    }

    public List<String> vips() {
        return nodes().stream().flatMap(n -> n.vips().stream()).toList();
    }

    public String originUrl() {
        return "http://" + ORIGIN.address() + ":" + HTTP_PORT;
    }

    /** The cluster file the lab's nodes run with. */
    public String clusterFile() {
        return clusterFile(true, "", DEFAULT_REPLICATION);
    }

    /**
     * How the lab's nodes replicate checkpoints unless told otherwise: write-behind, so that a drill of hundreds of
     * downloads and the scale benchmark's 10 000 connections do not wait on the cluster (see REPLICATION.md).
     */
    public static final String DEFAULT_REPLICATION = "async";

    /**
     * The lab's {@code checkpoint.linger} unless told otherwise: always 2 ms. The product's default (up to 20 ms under
     * load) serves more cached hits but, under {@code async}, lost more requests when a node crashed in the lab's load
     * tests (BENCHMARKS: "Checkpoint overhead on the proxy"); the drills and the CI smoke test measure the takeover.
     */
    public static final String DEFAULT_LINGER = "2ms";

    /** {@link #clusterFile(boolean, String, String, String)} with the lab's {@link #DEFAULT_LINGER}. */
    public String clusterFile(boolean resumeConnections, String failureDetection, String replication) {
        return clusterFile(resumeConnections, failureDetection, replication, DEFAULT_LINGER);
    }

    /**
     * @param resumeConnections false for the baseline users have without takeover: checkpointing off, so a VIP still
     *                          moves to a survivor (gratuitous ARP, as keepalived does) but its connections are reset
     * @param failureDetection  blank for the default timings, else the body of the file's {@code failure-detection}
     *                          mapping, as in {@code "timeout: 500ms, verify-timeout: 200ms"}; the loader validates it
     * @param replication       the file's {@code checkpoint.replication} ({@code sync}, {@code batched} or
     *                          {@code async}; the loader validates it) when connections are resumed
     * @param linger            the file's {@code checkpoint.linger} (a duration; the loader validates it) when
     *                          connections are resumed
     */
    public String clusterFile(boolean resumeConnections, String failureDetection, String replication, String linger) {
        StringBuilder y = new StringBuilder("""
                # Generated by `takeover lab up`: the lab's cluster, in namespaces on one bridge.
                cluster:
                  name: lab
                nodes:
                """);
        for (Node n : nodes()) {
            y.append("  - name: ").append(n.name()).append('\n')
                    .append("    address: ").append(n.host().address()).append('\n')
                    .append("    prefix: ").append(PREFIX_LENGTH).append('\n')
                    .append("    interface: eth0\n")
                    .append("    vips: [").append(String.join(", ", n.vips())).append("]\n");
        }
        // Drills run up to 200 downloads at once, and after a crash each survivor fetches its share and the resumed
        // ones from the origin: the default 64 connections per node made late requests wait out the 10 s limit (504).
        // With 256, the origin itself, on the same two saturated cores, still let a first byte take over 10 s now
        // and then (TakeoverLabTest's 200 downloads took 6-12 s each, two of them a 504): the lab allows 30 s.
        y.append("origin:\n  url: ").append(originUrl()).append('\n')
                .append("  max-connections: ").append(ORIGIN_CONNECTIONS).append('\n')
                .append("  response-timeout: ").append(ORIGIN_RESPONSE_TIMEOUT).append('\n')
                .append("proxy:\n  listen: 0.0.0.0:").append(HTTP_PORT).append('\n')
                .append("cache:\n  size: 1g\n  max-object-size: 512m\n")
                .append(resumeConnections
                        ? "checkpoint:\n  replication: " + replication + "\n  linger: " + linger + "\n"
                        : "checkpoint:\n  enabled: false\n");
        if (!failureDetection.isBlank()) {
            y.append("failure-detection: {").append(failureDetection).append("}\n");
        }
        return y.toString();
    }
}
