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
    private NodeSettings() {}

    public static ProxySettings of(ClusterConfig cluster, NodeConfig node) {
        OriginConfig o = cluster.origin();
        ProxyConfig p = cluster.proxy();
        UpstreamSettings upstream = new UpstreamSettings(o.url(), o.connectTimeout(), o.responseTimeout(),
                o.idleTimeout(), o.maxConnections());
        return new ProxySettings(p.listen().toInetSocketAddress(), upstream, cluster.cache().size().bytes(),
                cluster.cache().maxObjectSize().bytes(), p.headerTimeout(), p.keepaliveTimeout(),
                p.maxHeaderSize().intBytes(), p.maxUriLength().intBytes(), Duration.ofDays(1), 0);
    }
}
