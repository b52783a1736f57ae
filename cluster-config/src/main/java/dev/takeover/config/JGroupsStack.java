package dev.takeover.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The JGroups protocol stack of one node, as XML text for {@code new JChannel(InputStream)}. This module does not
 * depend on JGroups; it only writes the configuration.
 *
 * <p>The generated stack is TCP-only with a fixed member list, so it works where IP multicast does not:
 * <ol>
 *   <li>{@code TCP}: {@code bind_addr} = the node's address, {@code bind_port} = {@code cluster.bind-port},
 *       {@code port_range=0} (bind exactly that port, since peers are listed with it), {@code tcp_nodelay=true}
 *       (small checkpoint messages must not wait for Nagle's algorithm), and platform threads
 *       ({@code use_vthreads=false}; JGroups' default is virtual threads): the receivers and the message pool
 *       then share no carrier threads, one per core, with the processing of the checkpoints' transactions, behind
 *       which heartbeats waited until the survivors of a crash suspected each other (BENCHMARKS, "Takeover scale",
 *       session 15). {@code -D}{@value #VIRTUAL_THREADS_PROPERTY}{@code =true} restores virtual threads, for
 *       side-by-side measurements.</li>
 *   <li>{@code TCPPING}: {@code initial_hosts} = every node's address with the bind port, {@code port_range=0}.</li>
 *   <li>{@code MERGE3}, then {@code FD_SOCK2} (a closed TCP connection is an immediate suspicion) and
 *       {@code FD_ALL3} with {@code failure-detection.heartbeat-interval} and {@code timeout}.</li>
 *   <li>{@code VERIFY_SUSPECT2} with {@code failure-detection.verify-timeout}.</li>
 *   <li>{@code pbcast.NAKACK2} ({@code use_mcast_xmit=false}: there is no IP multicast), {@code UNICAST3},
 *       {@code pbcast.STABLE}, {@code pbcast.GMS} with {@code failure-detection.join-timeout}.</li>
 *   <li>{@code UFC}, {@code MFC}, {@code FRAG4}.</li>
 * </ol>
 * Times are written in milliseconds. When {@code cluster.jgroups-xml} is set, that file is returned unchanged
 * instead, and the generated stack and the failure-detection values do not apply.
 *
 * <p>Stateless and thread-safe.
 */
public final class JGroupsStack {
    /** The system property JGroups reads, when the stack is built, for whether its threads are virtual. */
    public static final String VIRTUAL_THREADS_PROPERTY = "takeover.jgroups-virtual-threads";

    private JGroupsStack() {
    }

    /**
     * @param config the cluster, not null
     * @param node   the node to configure, not null; must be one of {@code config}'s nodes
     * @return the XML text of the node's stack: the {@code cluster.jgroups-xml} file's content when set, otherwise
     *         the generated stack
     * @throws IllegalArgumentException if {@code node} is not a node of {@code config}
     * @throws ConfigException          if the {@code jgroups-xml} file can no longer be read
     */
    public static String xml(ClusterConfig config, NodeConfig node) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(node, "node");
        if (!config.node(node.name()).map(node::equals).orElse(false)) {
            throw new IllegalArgumentException("node " + node.name() + " is not a node of cluster "
                    + config.cluster().name());
        }
        return config.cluster().jgroupsXml().isPresent()
                ? read(config.cluster().jgroupsXml().get())
                : generate(config, node);
    }

    /**
     * @param config   the cluster, not null
     * @param nodeName the name of one of its nodes, not null
     * @return as {@link #xml(ClusterConfig, NodeConfig)}
     * @throws IllegalArgumentException if the cluster has no node of that name
     * @throws ConfigException          if the {@code jgroups-xml} file can no longer be read
     */
    public static String xml(ClusterConfig config, String nodeName) {
        NodeConfig node = config.node(nodeName).orElseThrow(() -> new IllegalArgumentException(
                "cluster " + config.cluster().name() + " has no node named " + nodeName));
        return xml(config, node);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, 0, "cluster.jgroups-xml",
                    "cannot read the JGroups stack file: " + e)), e);
        }
    }

    /** Writes the generated stack; every value is a number or an address, so none needs XML escaping. */
    static String generate(ClusterConfig config, NodeConfig node) {
        int port = config.cluster().bindPort();
        FailureDetectionConfig fd = config.failureDetection();
        String initialHosts = config.nodes().stream()
                .map(n -> n.address() + "[" + port + "]")
                .collect(Collectors.joining(","));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Generated from the cluster file; set cluster.jgroups-xml to use a stack of your own. -->
                <config xmlns="urn:org:jgroups"
                        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                        xsi:schemaLocation="urn:org:jgroups http://www.jgroups.org/schema/jgroups.xsd">
                    <TCP bind_addr="%s"
                         bind_port="%d"
                         port_range="0"
                         tcp_nodelay="true"
                         use_vthreads="${%s:false}"/>
                    <TCPPING initial_hosts="%s"
                             port_range="0"/>
                    <MERGE3/>
                    <FD_SOCK2/>
                    <FD_ALL3 interval="%d"
                             timeout="%d"/>
                    <VERIFY_SUSPECT2 timeout="%d"/>
                    <pbcast.NAKACK2 use_mcast_xmit="false"/>
                    <UNICAST3/>
                    <pbcast.STABLE/>
                    <pbcast.GMS join_timeout="%d"/>
                    <UFC/>
                    <MFC/>
                    <FRAG4/>
                </config>
                """.formatted(node.address(), port, VIRTUAL_THREADS_PROPERTY, initialHosts,
                fd.heartbeatInterval().toMillis(), fd.timeout().toMillis(), fd.verifyTimeout().toMillis(),
                fd.joinTimeout().toMillis());
    }
}
