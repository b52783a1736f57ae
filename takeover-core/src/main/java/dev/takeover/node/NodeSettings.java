package dev.takeover.node;

import dev.takeover.config.ClusterConfig;
import dev.takeover.config.NodeConfig;
import dev.takeover.config.OriginConfig;
import dev.takeover.config.ProxyConfig;
import dev.takeover.proxy.ProxySettings;
import dev.takeover.proxy.upstream.UpstreamSettings;
import java.time.Duration;

/** Turns a node's part of the cluster file into the proxy's settings. */
public final class NodeSettings {
    /**
     * Nice value of a cluster node's event loops: bulk transfers yield the CPU to the node's heartbeats and takeovers
     * ({@code ThreadPriority}). {@code -Dtakeover.io-nice=0} turns it off, for side-by-side measurements.
     */
    static final int IO_NICE = Integer.getInteger("takeover.io-nice", 10);

    private NodeSettings() {}

    public static ProxySettings of(ClusterConfig cluster, NodeConfig node) {
        OriginConfig o = cluster.origin();
        ProxyConfig p = cluster.proxy();
        UpstreamSettings upstream = new UpstreamSettings(o.url(), o.connectTimeout(), o.responseTimeout(),
                o.idleTimeout(), o.maxConnections());
        return new ProxySettings(p.listen().toInetSocketAddress(), upstream, cluster.cache().size().bytes(),
                cluster.cache().maxObjectSize().bytes(), p.headerTimeout(), p.keepaliveTimeout(),
                p.maxHeaderSize().intBytes(), p.maxUriLength().intBytes(), Duration.ofDays(1), 0, IO_NICE);
    }
}
