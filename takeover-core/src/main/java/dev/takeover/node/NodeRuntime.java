package dev.takeover.node;

import dev.takeover.cluster.ClusterNode;
import dev.takeover.config.CheckpointConfig;
import dev.takeover.config.ClusterConfig;
import dev.takeover.config.Ipv4Address;
import dev.takeover.config.NodeConfig;
import dev.takeover.failover.Failover;
import dev.takeover.kernel.Capabilities;
import dev.takeover.kernel.InterfaceAddresses;
import dev.takeover.kernel.RstGuard;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.checkpoint.Checkpointing;
import dev.takeover.proxy.checkpoint.KernelTcpCapture;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a cluster, assembled: it joins the cluster (checkpoint store, VIP directory, membership),
 * runs the proxy with checkpointing of every connection to a VIP, and takes connections over when
 * another node dies ({@link Failover}).
 *
 * <p>Where the platform lacks {@code TCP_REPAIR} or the privilege, the node still joins the cluster
 * and serves, as a plain proxy, and says so once at start: its connections cannot move, and it does
 * not take VIPs over.
 */
public final class NodeRuntime implements AutoCloseable {
    /**
     * With {@code async} replication, responses with a body of at most this many bytes do not wait for their
     * checkpoint to be replicated: sent whole within a millisecond, they would wait longer than they take.
     */
    static final long SMALL_BODY = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    private final ClusterNode cluster;
    private final ProxyServer proxy;
    private final Failover failover;
    private final ExecutorService checkpointWriter;
    private final RstGuard guard;

    private NodeRuntime(ClusterNode cluster, ProxyServer proxy, Failover failover, ExecutorService checkpointWriter,
                        RstGuard guard) {
        this.cluster = cluster;
        this.proxy = proxy;
        this.failover = failover;
        this.checkpointWriter = checkpointWriter;
        this.guard = guard;
    }

    /** Starts node {@code node} of {@code config}; returns once it serves. */
    public static NodeRuntime start(ClusterConfig config, NodeConfig node) throws InterruptedException, IOException {
        Clock clock = Clock.systemUTC();
        Capabilities caps = Capabilities.detect();
        ClusterNode cluster = ClusterNode.start(config, node.name());
        ExecutorService writer = null;
        RstGuard guard = null;
        ProxyServer proxy = null;
        try {
            Checkpointing checkpointing = null;
            boolean privileged = caps.tcpRepair() && caps.rawSockets();
            if (privileged && config.checkpoint().enabled()) {
                Set<InetAddress> vips = config.vips().stream().map(Ipv4Address::toInetAddress).collect(Collectors.toSet());
                // A synchronous write waits for a cluster round trip: off the event loops, on a pool. A write-behind
                // one (batched, async) only queues (a map update, a replica read for a put): the event loop writes
                // inline, so a reply's first byte waits for no thread hop, and removals queue with the puts. Under sync
                // and batched responses wait for their replicated checkpoint (see ConnectionCheckpoints.responding);
                // under async only those with larger bodies.
                CheckpointConfig.Replication replication = config.checkpoint().replication();
                Executor writes = Checkpointing.INLINE;
                if (replication == CheckpointConfig.Replication.SYNC) {
                    writer = Executors.newFixedThreadPool(4,
                            Thread.ofPlatform().name("checkpoint-", 0).daemon().factory());
                    writes = writer;
                }
                long smallBody = replication == CheckpointConfig.Replication.ASYNC ? SMALL_BODY : -1;
                checkpointing = new Checkpointing(cluster.checkpoints(), node.name(), new KernelTcpCapture(), vips::contains,
                        config.checkpoint().interval(), config.checkpoint().byteStep().bytes(), writes, smallBody);
            }
            if (privileged) {
                guard = RstGuard.install();
                if (checkpointing == null) {
                    log.warn("checkpointing is disabled in the cluster file: VIPs fail over to a survivor, their "
                            + "connections do not (clients get a reset), as with an address-only failover");
                }
            } else {
                log.warn("running as a plain proxy: connections of this node cannot be taken over, and it takes none over ({})",
                        caps.summary());
            }
            proxy = ProxyServer.start(NodeSettings.of(config, node), clock, checkpointing);
            Failover failover = null;
            if (guard != null) {
                failover = new Failover(config, node, cluster, proxy, guard, new InterfaceAddresses(), clock);
                failover.start();
            }
            return new NodeRuntime(cluster, proxy, failover, writer, guard);
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (proxy != null) {
                proxy.close();
            }
            if (writer != null) {
                writer.shutdownNow();
            }
            cluster.close();
            throw e;
        }
    }

    public ProxyServer proxy() {
        return proxy;
    }

    public ClusterNode cluster() {
        return cluster;
    }

    /** Blocks until the proxy stops. */
    public void awaitClose() throws InterruptedException {
        proxy.awaitClose();
    }

    /** Leaves the cluster cleanly (the others see a leave, not a crash) and stops serving. */
    @Override
    public void close() {
        if (failover != null) {
            failover.close();
        }
        proxy.close();
        if (checkpointWriter != null) {
            checkpointWriter.shutdown();
        }
        cluster.close();
        if (guard != null) {
            try {
                guard.removeAll();
            } catch (IOException e) {
                log.warn("could not remove the RST guard table: {}", e.getMessage());
            }
        }
    }
}
