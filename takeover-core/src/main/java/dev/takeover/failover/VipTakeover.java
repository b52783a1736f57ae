package dev.takeover.failover;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.ClaimResult;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.cluster.VipDirectory;
import dev.takeover.kernel.GratuitousArp;
import dev.takeover.kernel.RstGuard;
import dev.takeover.probe.OldSequenceProbe;
import dev.takeover.probe.ProbeOutcome;
import dev.takeover.proxy.ProxyServer;
import dev.takeover.proxy.resume.ResumePlan;
import dev.takeover.proxy.resume.ResumePoint;
import dev.takeover.rebuild.SocketRebuild;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one virtual IP over from a dead node, with its connections, in this order:
 * <ol>
 *   <li>(already done: {@link Failover} keeps every VIP this node does not serve guarded, so that this kernel sends
 *       no RST from the VIP while its connections have no socket, and the guard costs nothing at takeover time);</li>
 *   <li>claim the VIP in the directory (one survivor wins), put it on the interface, gratuitous ARP
 *       (repeated by {@link Failover});</li>
 *   <li>claim each checkpointed connection of the VIP in the store, probe them all at once;</li>
 *   <li>per answer: rebuild the socket with TCP_REPAIR and hand it to the proxy, which resumes the
 *       response in flight byte for byte, or resets it when it cannot;</li>
 *   <li>lift the guard; reset the clients that sent bytes nobody recorded; drop the silent ones.</li>
 * </ol>
 * Runs on one thread; one instance per VIP and failure.
 */
final class VipTakeover {
    private static final Logger log = LoggerFactory.getLogger(VipTakeover.class);
    /** Threads rebuilding sockets while the probe reads answers: each rebuild is a dozen system calls. */
    private static final int REBUILDERS = 4;

    private final Failover.Context ctx;
    private final Inet4Address vip;
    private final String from;
    private final String expectedOwner;
    private final long detected;

    /**
     * @param expectedOwner what the VIP directory records for the VIP now (null: nothing, the cluster file's node)
     * @param detected      when the failure reached this node
     */
    VipTakeover(Failover.Context ctx, Inet4Address vip, String from, String expectedOwner, long detected) {
        this.ctx = ctx;
        this.vip = vip;
        this.from = from;
        this.expectedOwner = expectedOwner;
        this.detected = detected;
    }

    /** @return the report, or null when another survivor claimed the VIP first */
    TakeoverReport run() throws IOException {
        Clock clock = ctx.clock();
        RstGuard guard = ctx.guard();
        StepTimes steps = new StepTimes(clock, detected);
        steps.mark("decided");
        if (!ctx.vips().claim(vip.getHostAddress(), expectedOwner, ctx.self())) {
            log.info("{} went to another survivor", vip.getHostAddress());
            return null;
        }
        List<TakeoverReport.Connection> lines = Collections.synchronizedList(new ArrayList<>());
        List<ProbeOutcome.Unrecorded> toReset = new ArrayList<>();
        List<ProbeOutcome.Synchronized> resetByProbe = Collections.synchronizedList(new ArrayList<>());
        long claimed;
        long probed;
        long rebuilt;
        boolean guarded = true;
        try {
            steps.mark("directory");
            ctx.addresses().add(ctx.interfaceName(), vip, ctx.prefixLength());
            steps.mark("address");
            GratuitousArp.send(ctx.interfaceName(), vip);
            claimed = clock.millis();
            steps.mark("arp");
            ctx.serving(vip);

            List<ConnectionCheckpoint> mine = claimConnections(ctx.store(), steps);
            // Index-aligned, appended together under plans' lock by the rebuilders; read once they are all done.
            List<CompletableFuture<ResumePlan>> plans = new ArrayList<>();
            List<ProbeOutcome.Synchronized> resumed = new ArrayList<>();
            List<CompletableFuture<Void>> rebuilds = new ArrayList<>();
            AtomicLong lastRebuild = new AtomicLong();
            try (OldSequenceProbe probe = OldSequenceProbe.open(ctx.interfaceName(), vip);
                 ExecutorService rebuilders = Executors.newFixedThreadPool(REBUILDERS,
                         Thread.ofPlatform().name("rebuild-", 0).daemon().factory())) {
                // Each socket is rebuilt and handed to the proxy the moment its client answers, off the thread that
                // reads the answers, which must keep up with thousands of them arriving at once.
                probe.probe(mine, o -> {
                    switch (o) {
                        case ProbeOutcome.Synchronized s -> rebuilds.add(CompletableFuture.runAsync(() -> {
                            try {
                                int fd = SocketRebuild.rebuild(s, clock.millis());
                                lastRebuild.accumulateAndGet(clock.millis(), Math::max);
                                synchronized (plans) {
                                    plans.add(ctx.proxy().resume(fd, new ResumePoint(s.checkpoint(), s.sendPosition(),
                                            s.receivePosition())));
                                    resumed.add(s);
                                }
                            } catch (IOException | RuntimeException e) {
                                lines.add(line(o.checkpoint(), "reset", "rebuild failed: " + e.getMessage()));
                                resetByProbe.add(s);
                                forget(o.checkpoint());
                            }
                        }, rebuilders));
                        case ProbeOutcome.Unrecorded u -> toReset.add(u);
                        case ProbeOutcome.ClientReset r -> {
                            lines.add(line(o.checkpoint(), "dropped", "the client had reset the connection"));
                            forget(o.checkpoint());
                        }
                        case ProbeOutcome.Silent silent -> {
                            lines.add(line(o.checkpoint(), "dropped", "no answer to the probe"));
                            forget(o.checkpoint());
                        }
                    }
                });
                probed = clock.millis();
                steps.mark("probe");
                CompletableFuture.allOf(rebuilds.toArray(CompletableFuture[]::new)).join();
                steps.mark("rebuild");
                rebuilt = lastRebuild.get();
                for (int i = 0; i < plans.size(); i++) {
                    ProbeOutcome.Synchronized s = resumed.get(i);
                    ResumePlan plan = plans.get(i).orTimeout(10, TimeUnit.SECONDS).exceptionally(t ->
                            new ResumePlan.Reset("resume failed: " + t.getMessage())).join();
                    lines.add(switch (plan) {
                        case ResumePlan.Continue c -> line(s.checkpoint(), "resumed", "at byte " + s.sendPosition());
                        case ResumePlan.Replay q -> line(s.checkpoint(), "resumed",
                                "request answered from the start at byte " + s.sendPosition());
                        case ResumePlan.Reset r -> {
                            resetByProbe.add(s); // the socket's own RST met the guard
                            yield line(s.checkpoint(), "reset", r.why());
                        }
                    });
                }
                steps.mark("resume");
                // Every rebuilt socket exists now: the kernel may reset what is left, and so may we.
                guard.releaseAddress(vip);
                guarded = false;
                // A connection the proxy reset sent nothing since the probe: the client's acknowledgment is our
                // sequence, so a RST there is in its window.
                for (ProbeOutcome.Synchronized r : resetByProbe) {
                    probe.reset(r.checkpoint(), r.reply());
                }
                for (ProbeOutcome.Unrecorded u : toReset) {
                    probe.reset(u.checkpoint(), u.reply());
                    lines.add(line(u.checkpoint(), "reset", u.unrecordedBytes() + " bytes from the client were never recorded"));
                    forget(u.checkpoint());
                }
            }
        } finally {
            if (guarded) {
                guard.releaseAddress(vip);
            }
        }
        TakeoverReport report = new TakeoverReport(vip.getHostAddress(), from, ctx.self(), detected, claimed, probed, rebuilt,
                clock.millis(), lines);
        log.info("took {} over from {}: {} resumed, {} reset, {} dropped; ms after detection: {}", report.vip(), from,
                report.count("resumed"), report.count("reset"), report.count("dropped"), steps);
        return report;
    }

    /** Claims every checkpointed connection of the VIP at once; those another node claimed first are not ours. */
    private List<ConnectionCheckpoint> claimConnections(CheckpointStore store, StepTimes steps) {
        List<ConnectionCheckpoint> listed = store.listByVip(vip);
        steps.mark("list");
        List<ConnectionCheckpoint> mine = new ArrayList<>();
        store.claimAll(listed.stream().map(ConnectionCheckpoint::id).toList(), ctx.self()).values().forEach(r -> {
            if (r instanceof ClaimResult.Claimed claimed) {
                mine.add(claimed.checkpoint());
            }
        });
        steps.mark("claims");
        return mine;
    }

    private void forget(ConnectionCheckpoint c) {
        try {
            ctx.store().remove(c.id(), c.version());
        } catch (RuntimeException e) {
            log.warn("could not remove the checkpoint of {}: {}", c.id(), e.toString());
        }
    }

    private static TakeoverReport.Connection line(ConnectionCheckpoint c, String outcome, String detail) {
        return new TakeoverReport.Connection(c.id().key(), outcome, detail);
    }

    /** When each step ended, in ms after detection, for the log: where a slow takeover spent its time. */
    private static final class StepTimes {
        private final Clock clock;
        private final long start;
        private final StringBuilder marks = new StringBuilder();

        StepTimes(Clock clock, long start) {
            this.clock = clock;
            this.start = start;
        }

        void mark(String step) {
            marks.append(marks.isEmpty() ? "" : ", ").append(step).append(' ').append(clock.millis() - start);
        }

        @Override
        public String toString() {
            return marks.toString();
        }
    }
}
