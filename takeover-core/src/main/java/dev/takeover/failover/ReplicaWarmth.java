package dev.takeover.failover;

import dev.takeover.checkpoint.CheckpointStore;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists, every {@link #PERIOD}, the checkpoints of one VIP this node does not serve, taking each such VIP in turn, and
 * throws the list away. A takeover's first step is that listing, of thousands of checkpoints, and the JIT compiles a
 * method fully only after thousands of calls: run for the first time at a takeover, the listing's code (the replica's
 * stream, the checkpoints' decoding) was compiled while the takeover waited for it, on the cores the takeover needed
 * (BENCHMARKS, "Takeover scale"). Listed here in steady state, it is compiled before any node dies.
 *
 * <p>Costs one pass over this node's replica per period, off every critical path. A failing read (no quorum, the
 * store closing) is skipped. {@code -Dtakeover.keep-warm=false} turns it off, for side-by-side measurements.
 */
final class ReplicaWarmth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaWarmth.class);
    static final Duration PERIOD = Duration.ofSeconds(10);
    static final boolean ENABLED = !"false".equals(System.getProperty("takeover.keep-warm"));

    private final CheckpointStore store;
    private final List<Inet4Address> vips;
    private final Supplier<Set<Inet4Address>> served;
    private final AtomicInteger next = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("replica-warmth").daemon().factory());

    /**
     * @param vips   every VIP of the cluster
     * @param served the VIPs this node serves now (their checkpoints are this node's own: not listed)
     */
    ReplicaWarmth(CheckpointStore store, List<Inet4Address> vips, Supplier<Set<Inet4Address>> served) {
        this.store = Objects.requireNonNull(store, "store");
        this.vips = List.copyOf(vips);
        this.served = Objects.requireNonNull(served, "served");
    }

    /** Lists every {@code period} from now on, until {@link #close}. */
    ReplicaWarmth start(Duration period) {
        timer.scheduleWithFixedDelay(this::listOne, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Lists the next VIP in turn that this node does not serve, if any. */
    void listOne() {
        Set<Inet4Address> mine = served.get();
        for (int i = 0; i < vips.size(); i++) {
            Inet4Address vip = vips.get(Math.floorMod(next.getAndIncrement(), vips.size()));
            if (!mine.contains(vip)) {
                try {
                    int listed = store.listByVip(vip).size(); // the call is the point; its answer is not needed
                    log.trace("{} checkpoints on {}", listed, vip.getHostAddress());
                } catch (RuntimeException e) {
                    log.debug("could not list {} ahead of a takeover: {}", vip.getHostAddress(), e.toString());
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
