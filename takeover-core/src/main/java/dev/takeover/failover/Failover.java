package dev.takeover.failover;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.cluster.ClusterNode;
import dev.takeover.cluster.MembershipEvent;
import dev.takeover.cluster.MembershipListener;
import dev.takeover.cluster.VipDirectory;
import dev.takeover.config.ClusterConfig;
import dev.takeover.config.Ipv4Address;
import dev.takeover.config.NodeConfig;
import dev.takeover.kernel.GratuitousArp;
import dev.takeover.kernel.InterfaceAddresses;
import dev.takeover.kernel.RstGuard;
import dev.takeover.proxy.ProxyServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reacts to membership changes: when a node leaves the view (crash, cut link) and this node is in
 * the majority, it works out which survivor takes each orphaned VIP ({@link VipAssignment}) and runs
 * a {@link VipTakeover} for each VIP that falls to it, all in parallel. When this node finds itself
 * in a minority it releases its VIPs and stops answering for them: two nodes never answer for one IP.
 * When it is (again) in a majority it serves the VIPs it owns, once its replica of the VIP directory is in step with
 * the view ({@link dev.takeover.cluster.VipDirectory#holdsDirectoryOf}). In a majority it also looks again every
 * {@value #RECHECK_MILLIS} ms: an orphaned VIP left to nobody is taken, and a VIP served here that the directory gives
 * to another node is let go.
 *
 * <p>At start it rehearses a takeover's probe and socket rebuild once on loopback ({@link TakeoverRehearsal}), so that
 * the first real takeover does not load and link that code while clients wait, and from then on it keeps the listing
 * of a VIP's checkpoints compiled ({@link ReplicaWarmth}).
 *
 * <p>Each takeover is logged as one {@code TAKEOVER {json}} line ({@link TakeoverReport}). Gratuitous
 * ARP for a claimed VIP goes out again at 0.2, 0.5, 1, 2 and 4 s, for switches and clients that
 * missed the first.
 */
public final class Failover implements MembershipListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Failover.class);
    private static final long[] ARP_REPEATS_MILLIS = {200, 500, 1000, 2000, 4000};
    /** Attempts at one VIP's takeover before giving up (each may wait out a lock timeout). */
    private static final int TAKEOVER_ATTEMPTS = 5;
    private static final long TAKEOVER_RETRY_PAUSE_MILLIS = 200;
    /**
     * How often a node in a majority looks again for VIPs whose owner is gone. Decisions follow membership events,
     * and one taken on a replica that a merge had not yet brought up to date can leave a VIP to nobody: seen in the
     * lab when a revived node had formed a cluster of its own, merged with a survivor left alone, and read its empty
     * directory before the survivor's had reached it.
     */
    static final long RECHECK_MILLIS = 2000;
    /** Stops the warm-up of a node closed meanwhile. */
    private volatile boolean closed;

    /**
     * What a takeover works with.
     *
     * @param inMajority whether this node is in a majority now: a takeover rebuilds no socket once it is not
     */
    record Context(String self, String interfaceName, int prefixLength, Clock clock, RstGuard guard,
                   InterfaceAddresses addresses, VipDirectory vips, CheckpointStore store, ProxyServer proxy,
                   Duration detection, Consumer<Inet4Address> onClaimed, BooleanSupplier inMajority) {
        void serving(Inet4Address vip) {
            onClaimed.accept(vip);
        }
    }

    private final ClusterConfig config;
    private final ClusterNode cluster;
    private final Context ctx;
    private final Set<Inet4Address> serving = ConcurrentHashMap.newKeySet();
    /** Decisions (what to serve, what to take over) run here, one at a time, in event order. */
    private final ExecutorService decisions = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("failover").factory());
    /** VIP takeovers run here, in parallel. */
    private final ExecutorService workers = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("takeover-", 0).factory());
    /** VIPs whose takeover is under way, so a second decision does not start another. */
    private final Set<Inet4Address> takingOver = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService arp = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("garp").factory());
    private final ObjectMapper json = new ObjectMapper();
    private volatile ReplicaWarmth warmth;

    public Failover(ClusterConfig config, NodeConfig self, ClusterNode cluster, ProxyServer proxy, RstGuard guard,
                    InterfaceAddresses addresses, Clock clock) {
        this.config = config;
        this.cluster = cluster;
        this.ctx = new Context(self.name(), self.interfaceName(), self.prefix(), clock, guard, addresses, cluster.vips(),
                cluster.checkpoints(), proxy, config.failureDetection().longestDetection(), this::claimed,
                () -> cluster.membership().isMajority());
    }

    /**
     * Starts listening; serves this node's VIPs now if it is in a majority. First it guards every VIP of the cluster
     * against RSTs from this kernel: from here on a VIP this node does not serve stays guarded, so a takeover finds
     * its guard in place and only lifts it once the connections have their sockets again.
     *
     * @throws IOException if the guard cannot be set
     */
    public void start() throws IOException {
        List<Inet4Address> all = config.nodes().stream().flatMap(n -> n.vips().stream())
                .map(Ipv4Address::toInetAddress).toList();
        ctx.guard().guardAddresses(all);
        // A VIP still on the interface was left by an earlier run of this node (its process died, the host did not):
        // the survivors may serve it now. It goes; this node adds back the VIPs it is given.
        Set<Inet4Address> vips = Set.copyOf(all);
        for (InterfaceAddresses.Assigned a : ctx.addresses().list(ctx.interfaceName())) {
            if (vips.contains(a.address())) {
                log.warn("removing {} left on {} by an earlier run of this node", a.address().getHostAddress(),
                        ctx.interfaceName());
                ctx.addresses().remove(ctx.interfaceName(), a.address(), a.prefixLength());
            }
        }
        cluster.membership().addListener(this);
        if (cluster.membership().isMajority()) {
            decisions.execute(() -> onMajority(null));
        }
        arp.scheduleWithFixedDelay(this::recheck, RECHECK_MILLIS, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
        if (TakeoverRehearsal.ENABLED) {
            Thread.ofPlatform().name("takeover-rehearsal").daemon().start(() -> rehearse(all));
        }
        if (ReplicaWarmth.ENABLED) {
            warmth = new ReplicaWarmth(ctx.store(), all, this::serving).start(ReplicaWarmth.PERIOD);
        }
    }

    /**
     * Runs a takeover's first steps once, off every critical path, so that the first real one runs warm: the reads of
     * this node's replicas (the VIP directory, a VIP's checkpoints) and {@link TakeoverRehearsal}'s probe and rebuild
     * on loopback. A failure costs only that warmth.
     */
    private void rehearse(List<Inet4Address> vips) {
        try {
            TakeoverRehearsal.Result result = TakeoverRehearsal.run();
            log.info("rehearsed a takeover's probe and rebuild on loopback in {} ms (probe: {})", result.millis(),
                    result.outcomes().stream().map(o -> o.getClass().getSimpleName()).toList());
        } catch (IOException | RuntimeException e) {
            log.warn("could not rehearse a takeover on loopback, so the first takeover runs cold: {}", e.toString());
            return;
        }
        try {
            VipAssignment.orphans(config.nodes(), ctx.vips().recorded(), cluster.membership().view().memberSet());
            ctx.store().listByVip(vips.getFirst());
        } catch (RuntimeException e) {
            log.debug("could not read the replicas ahead of a takeover: {}", e.toString()); // not available yet
        }
        warmUp(TakeoverRehearsal.WARM_CONNECTIONS);
    }

    /** Rehearses {@code connections} made-up connections ({@link TakeoverRehearsal#warm}), unless the node closes. */
    private void warmUp(int connections) {
        try {
            long millis = TakeoverRehearsal.warm(connections, () -> closed);
            log.info("rehearsed {} made-up connections' probe and rebuild on loopback in {} ms", connections, millis);
        } catch (IOException | RuntimeException e) {
            log.warn("rehearsing many connections on loopback failed, a large takeover runs colder: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * In a majority: lets go of a VIP served here that the directory gives to another node, then takes over any
     * orphaned VIP that falls to this node and nobody is taking over yet.
     */
    private void recheck() {
        try {
            decisions.execute(() -> {
                if (cluster.membership().isMajority()) {
                    try {
                        releaseOthers();
                        takeOrphans(null, ctx.clock().millis());
                    } catch (RuntimeException e) {
                        log.debug("rechecking orphaned VIPs: {}", e.toString()); // the directory refuses reads
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The VIPs this node serves now. */
    public Set<Inet4Address> serving() {
        return Set.copyOf(serving);
    }

    @Override
    public void onEvent(MembershipEvent event) {
        long detected = ctx.clock().millis();
        switch (event) {
            case MembershipEvent.Left left -> {
                log.info("{} left the view ({}); view {}", left.node(), left.crashed() ? "crash" : "leave", left.view());
                decisions.execute(() -> {
                    if (cluster.membership().isMajority()) {
                        takeOrphans(left.node(), detected);
                    }
                });
            }
            case MembershipEvent.MajorityRegained m -> decisions.execute(() -> onMajority(null));
            case MembershipEvent.Merged m -> decisions.execute(() -> {
                if (cluster.membership().isMajority()) {
                    onMajority(null);
                }
            });
            case MembershipEvent.MinorityEntered m -> decisions.execute(() -> fence(m));
            case MembershipEvent.Joined j -> log.info("{} joined; view {}", j.node(), j.view());
        }
    }

    /**
     * In a majority: serve our own VIPs (recording them, so they can be taken over should we die),
     * then take over those whose owner is gone. Right after a merge the directory may still refuse
     * reads for a moment: try again, for up to a minute.
     */
    private void onMajority(String from) {
        onMajority(from, 0);
    }

    private void onMajority(String from, int attempt) {
        try {
            if (!ctx.vips().holdsDirectoryOf(cluster.membership().view().memberSet())) {
                throw new IllegalStateException("this replica of the VIP directory is not in step with the view yet");
            }
            Map<String, String> recorded = ctx.vips().recorded();
            VipAssignment.owners(config.nodes(), recorded).forEach((vip, owner) -> {
                Inet4Address address = vip.toInetAddress();
                if (owner.equals(ctx.self()) && !serving.contains(address)
                        && ctx.vips().claim(vip.toString(), recorded.get(vip.toString()), ctx.self())) {
                    try {
                        ctx.addresses().add(ctx.interfaceName(), address, ctx.prefixLength());
                        GratuitousArp.send(ctx.interfaceName(), address);
                        claimed(address);
                        ctx.guard().releaseAddress(address);
                        log.info("serving {}", address.getHostAddress());
                    } catch (IOException e) {
                        log.error("cannot put {} on {}: {}", address.getHostAddress(), ctx.interfaceName(), e.getMessage());
                    }
                }
            });
            takeOrphans(from, ctx.clock().millis());
        } catch (RuntimeException e) {
            if (attempt < 120 && cluster.membership().isMajority()) {
                log.debug("VIP directory not available yet ({}); trying again", e.toString());
                arp.schedule(() -> decisions.execute(() -> onMajority(from, attempt + 1)), 500, TimeUnit.MILLISECONDS);
            } else {
                log.error("cannot read the VIP directory: {}", e.toString());
            }
        }
    }

    private void takeOrphans(String from, long detected) {
        Map<String, String> recorded = ctx.vips().recorded();
        Map<Ipv4Address, String> owners = VipAssignment.owners(config.nodes(), recorded);
        VipAssignment.orphans(config.nodes(), recorded, cluster.membership().view().memberSet()).forEach((vip, taker) -> {
            if (taker.equals(ctx.self()) && takingOver.add(vip.toInetAddress())) {
                String previous = owners.get(vip);
                workers.execute(() -> {
                    try {
                        takeOver(vip, previous, recorded.get(vip.toString()), detected);
                    } finally {
                        takingOver.remove(vip.toInetAddress());
                    }
                });
            }
        });
    }

    /**
     * Runs the takeover of {@code vip}, again after a failure (the store timed out on a lock, say) while this node is
     * in a majority and the directory still gives the VIP to the dead node or to this one: a VIP left unserved would
     * leave its clients waiting for good. Each attempt is idempotent: claims already held are held again.
     */
    private void takeOver(Ipv4Address vip, String previous, String expectedOwner, long detected) {
        String expected = expectedOwner;
        for (int attempt = 1; ; attempt++) {
            try {
                TakeoverReport report = new VipTakeover(ctx, vip.toInetAddress(), previous, expected, detected).run();
                if (report != null) {
                    log.info("TAKEOVER {}", json.writeValueAsString(report));
                }
                return;
            } catch (IOException | RuntimeException e) {
                if (attempt >= TAKEOVER_ATTEMPTS || !cluster.membership().isMajority()) {
                    log.error("takeover of {} failed, giving up after {} attempts: {}", vip, attempt, e.toString(), e);
                    return;
                }
                log.warn("takeover of {} failed (attempt {} of {}), trying again: {}", vip, attempt, TAKEOVER_ATTEMPTS,
                        e.toString());
                try {
                    expected = ctx.vips().owner(vip.toString()).orElse(expected); // this node, if it claimed already
                    Thread.sleep(TAKEOVER_RETRY_PAUSE_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException directoryDown) {
                    log.debug("VIP directory not readable before retrying {}: {}", vip, directoryDown.toString());
                }
            }
        }
    }

    private void claimed(Inet4Address vip) {
        serving.add(vip);
        for (long delay : ARP_REPEATS_MILLIS) {
            arp.schedule(() -> {
                if (serving.contains(vip)) {
                    try {
                        GratuitousArp.send(ctx.interfaceName(), vip);
                    } catch (IOException e) {
                        log.debug("gratuitous ARP for {} failed: {}", vip, e.getMessage());
                    }
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Lets go of the VIPs served here that the directory, in step with the view, gives to another node: two nodes
     * must never answer for one address. The decisions that serve a VIP wait for the directory to be in step, so this
     * is a safety net, and it logs an error when it acts.
     */
    private void releaseOthers() {
        Set<Inet4Address> served = Set.copyOf(serving); // before the directory: a VIP is served only once claimed there
        if (served.isEmpty() || !ctx.vips().holdsDirectoryOf(cluster.membership().view().memberSet())) {
            return;
        }
        Set<Ipv4Address> mine = served.stream().map(a -> Ipv4Address.parse(a.getHostAddress())).collect(Collectors.toSet());
        VipAssignment.servedForOthers(config.nodes(), ctx.vips().recorded(), mine, ctx.self()).forEach((vip, owner) -> {
            log.error("the VIP directory gives {} to {}, not to this node, which served it: letting it go", vip, owner);
            release(vip.toInetAddress());
        });
    }

    /** Stops serving {@code vip}: the address goes and its guard comes back (a VIP not served is guarded). */
    private void release(Inet4Address vip) {
        serving.remove(vip);
        try {
            ctx.addresses().remove(ctx.interfaceName(), vip, ctx.prefixLength());
            ctx.guard().guardAddress(vip);
        } catch (IOException e) {
            log.error("cannot remove {}: {}", vip.getHostAddress(), e.getMessage());
        }
    }

    /** In a minority: let go of every VIP; the majority takes them and their connections over. */
    private void fence(MembershipEvent.MinorityEntered event) {
        log.warn("in a minority ({}): releasing {} VIPs", event.view(), serving.size());
        Set.copyOf(serving).forEach(this::release);
    }

    @Override
    public void close() {
        closed = true;
        cluster.membership().removeListener(this);
        decisions.shutdownNow();
        workers.shutdownNow();
        arp.shutdownNow();
        if (warmth != null) {
            warmth.close();
        }
    }

}
