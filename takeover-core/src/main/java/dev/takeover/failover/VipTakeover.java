package dev.takeover.failover;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.ClaimResult;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.cluster.VipDirectory;
import dev.takeover.kernel.FourTuple;
import dev.takeover.kernel.GratuitousArp;
import dev.takeover.kernel.LocalSockets;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
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
 *   <li>claim each checkpointed connection of the VIP in the store (dropping those whose four-tuple a newer
 *       connection here holds), probe them all at once;</li>
 *   <li>per answer: rebuild the socket with TCP_REPAIR at the checkpointed positions and hand it to the proxy, which
 *       resumes the response in flight byte for byte, or resets it when it cannot;</li>
 *   <li>lift the guard; reset the clients whose answer contradicts their checkpoint; drop the silent ones; give the
 *       clients that had sent bytes beyond their checkpoints a bounded time to send them again, after which the
 *       proxy resets them ({@code AwaitRetransmission}).</li>
 * </ol>
 * Runs on one thread; one instance per VIP and failure.
 */
final class VipTakeover {
    private static final Logger log = LoggerFactory.getLogger(VipTakeover.class);
    /** Threads rebuilding sockets while the probe reads answers: each rebuild is a dozen system calls. */
    private static final int REBUILDERS = 4;
    private static final LocalSockets LOCAL_SOCKETS = new LocalSockets();

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
        List<ProbeOutcome.Behind> toReset = new ArrayList<>();
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

            List<ConnectionCheckpoint> mine = withoutNewerConnections(claimConnections(ctx.store(), steps), lines);
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
                                int fd = SocketRebuild.rebuild(s, clock.millis(), LOCAL_SOCKETS);
                                lastRebuild.accumulateAndGet(clock.millis(), Math::max);
                                synchronized (plans) {
                                    plans.add(ctx.proxy().resume(fd, new ResumePoint(s.checkpoint(), s.sendPosition(),
                                            s.receivePosition(), s.unrecordedBytes())));
                                    resumed.add(s);
                                }
                            } catch (SocketRebuild.FourTupleInUse e) {
                                // No RST: it would reach the client's newer connection, which answered the probe.
                                lines.add(line(o.checkpoint(), "dropped", "its four-tuple belongs to a newer connection here"));
                                forget(o.checkpoint());
                            } catch (IOException | RuntimeException e) {
                                lines.add(line(o.checkpoint(), "reset", "rebuild failed: " + e.getMessage()));
                                resetByProbe.add(s);
                                forget(o.checkpoint());
                            }
                        }, rebuilders));
                        case ProbeOutcome.Behind b -> toReset.add(b);
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
                        case ResumePlan.Continue c -> line(s.checkpoint(), "resumed", "at byte " + s.sendPosition()
                                + awaiting(s));
                        case ResumePlan.Replay q -> line(s.checkpoint(), "resumed",
                                "request answered from the start at byte " + s.sendPosition() + awaiting(s));
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
                for (ProbeOutcome.Behind b : toReset) {
                    probe.reset(b.checkpoint(), b.reply());
                    lines.add(line(b.checkpoint(), "reset", "the checkpoint counts " + b.missingBytes()
                            + " bytes the client never sent"));
                    forget(b.checkpoint());
                }
                int awaited = ctx.proxy().expectRetransmissions(vip, retransmissionWait(clock.millis()));
                if (awaited > 0) {
                    log.info("{}: {} clients had sent bytes beyond their checkpoints; waiting for them to come again",
                            vip.getHostAddress(), awaited);
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

    /**
     * How long a client that sent bytes beyond its checkpoint has to send them again. It sent them after the dead
     * node's last sign of life, at most one detection delay before {@code detected}, and has been retransmitting since,
     * each wait twice the one before: its next try comes within the time since it sent, plus a first timeout (200 ms
     * on Linux; a second allows for slower paths).
     */
    Duration retransmissionWait(long now) {
        return Duration.ofMillis(Math.max(0, now - detected)).plus(ctx.detection()).plusSeconds(1);
    }

    private static String awaiting(ProbeOutcome.Synchronized s) {
        return s.unrecordedBytes() == 0 ? "" : "; " + s.unrecordedBytes() + " bytes beyond the checkpoint awaited again";
    }

    /**
     * Drops the checkpoints whose four-tuple is an established connection here already: the client opened it to this
     * node, from the port of a connection that had closed on the dead node but whose checkpoint outlived it. Probing
     * would reach the new connection, and a reset would kill it.
     */
    private List<ConnectionCheckpoint> withoutNewerConnections(List<ConnectionCheckpoint> claimed,
                                                               List<TakeoverReport.Connection> lines) {
        if (claimed.isEmpty()) {
            return claimed; // nothing to compare: spare the takeover the ss run
        }
        Set<FourTuple> live;
        try {
            live = LOCAL_SOCKETS.established(vip);
        } catch (IOException e) {
            log.warn("cannot list the connections {} has here; probing every checkpoint: {}", vip.getHostAddress(),
                    e.getMessage());
            return claimed;
        }
        List<ConnectionCheckpoint> toProbe = new ArrayList<>(claimed.size());
        for (ConnectionCheckpoint c : claimed) {
            if (live.contains(OldSequenceProbe.tuple(c))) {
                lines.add(line(c, "dropped", "its four-tuple belongs to a newer connection here"));
                forget(c);
            } else {
                toProbe.add(c);
            }
        }
        return toProbe;
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
