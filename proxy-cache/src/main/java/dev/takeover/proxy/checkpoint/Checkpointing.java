package dev.takeover.proxy.checkpoint;

import dev.takeover.checkpoint.CheckpointStore;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * What a node needs to checkpoint its client connections. A node started without it is a plain proxy.
 *
 * @param store        where checkpoints go (replicated in a cluster)
 * @param node         this node's name, the owner of the checkpoints it writes
 * @param capture      reads TCP state from the kernel
 * @param virtual      which local addresses are virtual IPs: only connections to those can move to
 *                     another node, so only those are checkpointed
 * @param interval     longest time between progress checkpoints of a long response
 * @param byteStep     bytes between progress checkpoints at 1 MiB/s; scaled by the measured rate
 * @param writes       runs the store's writes ({@link CheckpointStore#putIfNewer},
 *                     {@link CheckpointStore#removeLater}): a thread pool when they wait for the cluster,
 *                     {@link #INLINE} when the store only queues them, so that a reply's first byte needs no thread hop
 * @param smallBody    responses with a known body of at most this many bytes are not checkpointed before their
 *                     first byte, only once complete (idle): with write-behind replication a small response is sent
 *                     whole in less time than its checkpoint takes to replicate, so waiting would double its latency
 *                     and the checkpoint would protect nothing the idle one does not; -1 (every response is
 *                     checkpointed and waits) with synchronous puts, and with write-behind puts where every
 *                     response waits all the same ({@code checkpoint.replication: batched})
 */
public record Checkpointing(CheckpointStore store, String node, TcpCapture capture, Predicate<InetAddress> virtual,
                            Duration interval, long byteStep, Executor writes, long smallBody) {

    /**
     * {@code writes} for a store whose writes only queue: they run on the caller's thread, and a connection with no
     * write on its way puts at once, with no future to chain.
     */
    public static final Executor INLINE = Runnable::run;

    /** Every response waits for its checkpoint. */
    public Checkpointing(CheckpointStore store, String node, TcpCapture capture, Predicate<InetAddress> virtual,
                         Duration interval, long byteStep, Executor writes) {
        this(store, node, capture, virtual, interval, byteStep, writes, -1);
    }

    public Checkpointing {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(virtual, "virtual");
        Objects.requireNonNull(writes, "writes");
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("checkpoint interval must be positive, was " + interval);
        }
        if (byteStep < 1) {
            throw new IllegalArgumentException("checkpoint byte step must be positive, was " + byteStep);
        }
    }
}
