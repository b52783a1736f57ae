package dev.takeover.cluster;

import dev.takeover.config.ClusterConfig;
import dev.takeover.config.JGroupsStack;
import dev.takeover.config.NodeConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.jgroups.JChannel;
import org.jgroups.protocols.BaseBundler;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TP;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a node's JGroups channel from the cluster's stack ({@link JGroupsStack}), unconnected, for Infinispan to
 * connect.
 *
 * <p>Three settings are completed here, for the generated stack only (a hand-written one is used as it is).
 * First, an {@code FD_SOCK2} without a {@code bind_addr} listens on every address and
 * tells its peers a wildcard address, so a peer that answers the connect request at that address reaches itself
 * when every node uses the same port (one node per host, or per network namespace). The connect then times out,
 * the peer is suspected, and only {@code VERIFY_SUSPECT2} stands between a live node and its exclusion: under load
 * it sometimes lost (seen in the namespace tests). So {@code FD_SOCK2} binds to the transport's address unless the
 * stack sets one. Second, {@code TCP} sends through one queue and thread per connection
 * ({@code non_blocking_sends}), so that a member whose link is cut, while the cluster has not excluded it yet,
 * cannot stall the messages to the others. Third, {@code VERIFY_SUSPECT2} gives way to {@link VerifySuspectHeard},
 * which drops a verification once the member's heartbeat is heard again.
 *
 * <p>Stateless and thread-safe.
 */
final class JGroupsChannels {

    private static final Logger LOG = LoggerFactory.getLogger(JGroupsChannels.class);
    private static final int SOCK_CONN_TIMEOUT_MILLIS = 300;

    private JGroupsChannels() {
    }

    /**
     * @param config   the cluster
     * @param nodeName one of its nodes
     * @return a new, unconnected channel named {@code nodeName}
     * @throws ClusterException if the stack cannot be built
     */
    static JChannel create(ClusterConfig config, String nodeName) {
        NodeConfig node = config.node(nodeName).orElseThrow(() -> new IllegalArgumentException(
                "cluster " + config.cluster().name() + " has no node named " + nodeName));
        String xml = JGroupsStack.xml(config, node);
        JChannel channel;
        try {
            channel = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new ClusterException("cannot build the JGroups stack of node " + nodeName + ": " + e.getMessage(),
                    e);
        }
        channel.name(nodeName);
        if (config.cluster().jgroupsXml().isEmpty()) {
            complete(channel, nodeName);
        }
        return channel;
    }

    /** Completes the generated stack (a hand-written one is used as it is). */
    private static void complete(JChannel channel, String nodeName) {
        FD_SOCK2 fdSock = channel.getProtocolStack().findProtocol(FD_SOCK2.class);
        TP transport = channel.getProtocolStack().getTransport();
        if (fdSock != null && fdSock.getBindAddress() == null && transport.getBindAddress() != null) {
            fdSock.setBindAddress(transport.getBindAddress());
            LOG.debug("{}: FD_SOCK2 binds to {}", nodeName, transport.getBindAddress());
        }
        if (transport instanceof TCP tcp) {
            // One sender thread and a bounded queue per connection (JGRP-2759): a write blocked towards an
            // unreachable member must not hold up heartbeats and views to the members that are still there.
            tcp.nonBlockingSends(true);
            // A connect towards a member whose link is gone waits out this timeout; on a LAN a live peer
            // answers in well under a millisecond.
            tcp.setSockConnTimeout(SOCK_CONN_TIMEOUT_MILLIS);
        }
        // JGroups 5.5's per-destination bundler sends for every destination from one thread by default. After
        // a crash that thread blocks connecting to the dead member (retransmissions, discovery) while the
        // heartbeats to the survivors wait behind it, and the survivors suspect each other (seen in the lab
        // drill: both survivors split 1 s after the view change). One sender thread per destination
        // confines the stall to the dead member's queue.
        if (!(transport.getBundler() instanceof BaseBundler bundler)) {
            throw new ClusterException("node " + nodeName + ": the transport's bundler ("
                    + transport.getBundler() + ") cannot be told to use one sender thread per destination", null);
        }
        bundler.useSingleSenderThread(false);
        try {
            VerifySuspectHeard.replaceIn(channel.getProtocolStack());
        } catch (Exception e) {
            throw new ClusterException("node " + nodeName + ": cannot put VerifySuspectHeard in the stack: "
                    + e.getMessage(), e);
        }
    }
}
