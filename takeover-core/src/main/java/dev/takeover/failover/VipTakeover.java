package dev.takeover.failover;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.kernel.GratuitousArp;
import dev.takeover.kernel.LocalSockets;
import dev.takeover.kernel.ThreadPriority;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one virtual IP over from a dead node, with its connections, in this order:
 * <ol>
 *   <li>(already done: {@link Failover} keeps every VIP this node does not serve guarded, so that this kernel sends
 *       no RST from the VIP while its connections have no socket, and the guard costs nothing at takeover time);</li>
 *   <li>list the VIP's checkpointed connections from this node's replica, and start {@link VipClaim} on threads of
 *       its own: the VIP in the directory (one survivor wins), then, once the sockets are rebuilt, the connections'
 *       claims, which fence their entries;</li>
 *   <li>meanwhile, put the VIP on the interface, send gratuitous ARP (repeated by {@link Failover} once the claim is
 *       won) and probe every listed connection at once; if the directory gives the VIP to another survivor, the
 *       address goes again (see {@link VipClaim});</li>
 *   <li>per answer, once the directory says the VIP is this node's: rebuild the socket with TCP_REPAIR at the
 *       checkpointed positions and hand it to the proxy, which resumes the response in flight byte for byte, or
 *       resets it when it cannot;</li>
 *   <li>lift the guard; reset the clients whose answer contradicts their checkpoint; drop the silent ones; give the
 *       clients that had sent bytes beyond their checkpoints a bounded time to send them again, after which the
 *       proxy resets them ({@code AwaitRetransmission}).</li>
 * </ol>
 * Runs on one thread; one instance per VIP and failure.
 */
final class VipTakeover {
    private static final Logger log = LoggerFactory.getLogger(VipTakeover.class);
    /**
     * Threads rebuilding sockets while the probe reads answers (each rebuild is a dozen system calls): one per core, at
     * most 4 ({@code -Dtakeover.rebuilders} for side-by-side measurements). More than the cores only take CPU from the
     * probe's sender, the long pole: on two cores, 4 rebuilders left the probe's 5 000 sends at 940 ms (median), 2 at
     * 660 ms (BENCHMARKS, "Takeover scale").
     */
    private static final int REBUILDERS = Math.max(1, Integer.getInteger("takeover.rebuilders",
            Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4)));
    /**
     * The nice value of the threads that probe and rebuild, from the probe's first send to the last rebuilt socket:
     * every client of the dead VIP waits on them. On a busy machine the scheduler shared the CPUs evenly among every
     * runnable thread, and the probe's sender got a sixth of a core (BENCHMARKS, "Takeover scale", session 16).
     * Raising it needs CAP_SYS_NICE (without, the takeover runs as before and says so once); {@code
     * -Dtakeover.takeover-nice=0} leaves them at the default, for side-by-side measurements.
     */
    static final int TAKEOVER_NICE = Math.clamp(Integer.getInteger("takeover.takeover-nice", -5), -20, 0);
    private static final LocalSockets LOCAL_SOCKETS = new LocalSockets();
    /**
     * How much longer than the proxy's own bound ({@link ProxyServer#longestResumePlan}) a plan is waited for before
     * its connection is reset: a plan always ends, so this only bounds a fault.
     */
    private static final Duration PLAN_WAIT_MARGIN = Duration.ofSeconds(5);

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
        StepTimes steps = new StepTimes(clock, detected);
        steps.mark("decided");
        List<ConnectionCheckpoint> listed = ctx.store().listByVip(vip); // this node's replica: no cluster round trip
        steps.mark("list");
        VipClaim claim = VipClaim.start(ctx, vip, from, expectedOwner, listed, LOCAL_SOCKETS::established,
                steps::mark);
        boolean won = false;
        boolean guarded = true;
        try {
            ctx.addresses().add(ctx.interfaceName(), vip, ctx.prefixLength());
            claim.addressUp();
            steps.mark("address");
            GratuitousArp.send(ctx.interfaceName(), vip);
            long claimed = clock.millis();
            steps.mark("arp");
            Rebuilds rebuilds = new Rebuilds(claim);
            long probed;
            String probeRounds;
            ThreadFactory rebuilderThreads = Thread.ofPlatform().name("rebuild-", 0).daemon().factory();
            try (OldSequenceProbe probe = OldSequenceProbe.open(ctx.interfaceName(), vip);
                 ExecutorService rebuilders = Executors.newFixedThreadPool(REBUILDERS, task ->
                         rebuilderThreads.newThread(() -> {
                             ThreadPriority.boostCurrentThread(TAKEOVER_NICE);
                             task.run();
                         }))) {
                steps.mark("open");
                // Each answer is settled (its socket rebuilt and handed to the proxy) the moment it arrives, off the
                // thread that reads the answers, which must keep up with thousands of them arriving at once.
                ThreadPriority.boostCurrentThread(TAKEOVER_NICE);
                try {
                    probe.probe(listed, o -> rebuilds.add(CompletableFuture.runAsync(() -> rebuilds.settle(o),
                            rebuilders)));
                } finally {
                    ThreadPriority.boostCurrentThread(0); // this thread goes on to the claims, at the default
                }
                probed = clock.millis();
                steps.mark("probe");
                probeRounds = probe.rounds();
                if (!claim.won()) {
                    log.info("{} went to another survivor", vip.getHostAddress());
                    return null;
                }
                won = true;
                ctx.serving(vip);
                rebuilds.awaitAll();
                steps.mark("rebuild");
                claim.claimConnections();
                // Every rebuilt socket exists now: the kernel may reset what is left, and so may we. The plans still
                // on their way (an origin slow to answer a range) do not hold the guard: a socket whose plan is a reset
                // then resets its client itself.
                ctx.guard().releaseAddress(vip);
                guarded = false;
                rebuilds.resetRefused(probe);
                rebuilds.awaitPlans(ctx.proxy().longestResumePlan().plus(PLAN_WAIT_MARGIN));
                steps.mark("resume");
                rebuilds.resetRefused(probe); // the refused plans: a socket's own RST may have met the guard
                int awaited = ctx.proxy().expectRetransmissions(vip, retransmissionWait(clock.millis()));
                if (awaited > 0) {
                    log.info("{}: {} clients had sent bytes beyond their checkpoints; waiting for them to come again",
                            vip.getHostAddress(), awaited);
                }
            }
            long done = clock.millis();
            // The connections' claims end off the rebuilds' path; the takeover reports once they are in.
            claim.result();
            claim.dropped().forEach(c -> rebuilds.line(c, "dropped", "its four-tuple belongs to a newer connection here"));
            TakeoverReport report = new TakeoverReport(vip.getHostAddress(), from, ctx.self(), detected, claimed, probed,
                    rebuilds.lastRebuild.get(), done, List.copyOf(rebuilds.lines));
            log.info("took {} over from {}: {} resumed, {} reset, {} dropped; ms after detection: {}; probe: {}",
                    report.vip(), from, report.count("resumed"), report.count("reset"), report.count("dropped"), steps,
                    probeRounds);
            return report;
        } finally {
            claim.abandon();
            if (!won) {
                // Lost, or the store failed before it was known: the address was up in advance only. The guard stays:
                // a VIP this node does not serve is guarded.
                try {
                    ctx.addresses().remove(ctx.interfaceName(), vip, ctx.prefixLength());
                } catch (IOException e) {
                    log.warn("cannot take {} off {} again: {}", vip.getHostAddress(), ctx.interfaceName(), e.getMessage());
                }
            } else if (guarded) {
                ctx.guard().releaseAddress(vip);
            }
        }
    }

    /**
     * The connections' side of the takeover: settles each probe outcome once the claim says whose the connection is,
     * and keeps what each came to. Outcomes are settled on the rebuilder threads, so everything here is thread-safe.
     */
    private final class Rebuilds {
        private final VipClaim claim;
        private final List<CompletableFuture<Void>> settling = new ArrayList<>();
        final List<TakeoverReport.Connection> lines = Collections.synchronizedList(new ArrayList<>());
        /** Resumed connections and the proxy's plan for each, index-aligned, appended together under this lock. */
        private final List<ProbeOutcome.Synchronized> resumed = new ArrayList<>();
        private final List<CompletableFuture<Planned>> plans = new ArrayList<>();
        /** Connections to reset once the guard is lifted, with the client's answer (in-window RST). */
        private final List<ProbeOutcome> toReset = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong lastRebuild = new AtomicLong();

        Rebuilds(VipClaim claim) {
            this.claim = claim;
        }

        /** Called on the probe's thread only. */
        void add(CompletableFuture<Void> settle) {
            settling.add(settle);
        }

        /** Waits for the directory, then acts on {@code probed} (see {@link VipClaim#awaitMine}). */
        void settle(ProbeOutcome probed) {
            ConnectionCheckpoint mine = claim.awaitMine(probed.checkpoint().id());
            if (mine == null) {
                return; // not this node's: the VIP went to another survivor, or a newer connection has the four-tuple
            }
            if (!ctx.inMajority().getAsBoolean()) {
                // No cluster write gates a rebuild: a node falsely suspected meanwhile must not answer for the VIP
                // the majority will take over. The checkpoint stays, for the majority.
                line(mine, "dropped", "this node is in a minority now");
                return;
            }
            switch (OldSequenceProbe.against(mine, probed)) {
                case ProbeOutcome.Synchronized s -> rebuild(s);
                case ProbeOutcome.Behind b -> {
                    toReset.add(b);
                    line(mine, "reset", "the checkpoint counts " + b.missingBytes() + " bytes the client never sent");
                    forget(ctx, mine);
                }
                case ProbeOutcome.ClientReset r -> {
                    line(mine, "dropped", "the client had reset the connection");
                    forget(ctx, mine);
                }
                case ProbeOutcome.Silent silent -> {
                    line(mine, "dropped", "no answer to the probe");
                    forget(ctx, mine);
                }
            }
        }

        private void rebuild(ProbeOutcome.Synchronized s) {
            try {
                int fd = SocketRebuild.rebuild(s, ctx.clock().millis(), LOCAL_SOCKETS);
                lastRebuild.accumulateAndGet(ctx.clock().millis(), Math::max);
                // Handing the socket to the proxy builds its channel and pipeline: outside the lock, so that the
                // rebuilder threads do not take turns at it.
                long asked = ctx.clock().millis();
                CompletableFuture<Planned> plan = ctx.proxy().resume(fd, new ResumePoint(s.checkpoint(),
                        s.sendPosition(), s.receivePosition(), s.unrecordedBytes()))
                        .thenApply(p -> new Planned(p, ctx.clock().millis() - asked));
                synchronized (plans) {
                    plans.add(plan);
                    resumed.add(s);
                }
            } catch (SocketRebuild.FourTupleInUse e) {
                // No RST: it would reach the client's newer connection, which answered the probe.
                line(s.checkpoint(), "dropped", "its four-tuple belongs to a newer connection here");
                forget(ctx, s.checkpoint());
            } catch (IOException | RuntimeException e) {
                line(s.checkpoint(), "reset", "rebuild failed: " + e.getMessage());
                toReset.add(s);
                forget(ctx, s.checkpoint());
            }
        }

        /** Waits until every outcome is settled: every socket rebuilt, or its connection set aside. */
        void awaitAll() {
            try {
                CompletableFuture.allOf(settling.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        /**
         * Waits, {@code bound} in all, for the proxy's plan for each rebuilt connection; a connection it cannot resume,
         * or whose plan did not come in time, is reset by the next {@link #resetRefused}.
         */
        void awaitPlans(Duration bound) {
            long deadline = System.nanoTime() + bound.toNanos();
            for (int i = 0; i < plans.size(); i++) {
                ProbeOutcome.Synchronized s = resumed.get(i);
                long left = Math.max(0, deadline - System.nanoTime());
                Planned planned = plans.get(i).orTimeout(left, TimeUnit.NANOSECONDS).exceptionally(t ->
                        new Planned(new ResumePlan.Reset(t instanceof TimeoutException
                                ? "no resume plan within " + bound.toSeconds() + " s"
                                : "resume failed: " + t), 0)).join();
                switch (planned.plan()) {
                    case ResumePlan.Continue c -> line(s.checkpoint(), "resumed", "at byte " + s.sendPosition()
                            + awaiting(s) + planned.slowness());
                    case ResumePlan.Replay q -> line(s.checkpoint(), "resumed",
                            "request answered from the start at byte " + s.sendPosition() + awaiting(s)
                                    + planned.slowness());
                    case ResumePlan.Reset r -> {
                        toReset.add(s); // the socket's own RST met the guard if the plan came before its release
                        line(s.checkpoint(), "reset", r.why() + planned.slowness());
                    }
                }
            }
        }

        /**
         * Resets, with the guard lifted, what could not be resumed and was not reset yet. A connection the proxy reset
         * sent nothing since the probe, and one whose checkpoint is ahead of the client was never rebuilt: either way
         * the client's acknowledgment is our sequence, so a RST there is in its window. (A socket the proxy reset after
         * the guard's release reset its client itself; the client drops this second RST.)
         */
        void resetRefused(OldSequenceProbe probe) throws IOException {
            synchronized (toReset) {
                List<ProbeOutcome> now = List.copyOf(toReset);
                toReset.clear(); // each is reset once: this runs again once the plans are in
                for (ProbeOutcome o : now) {
                    switch (o) {
                        case ProbeOutcome.Synchronized s -> probe.reset(s.checkpoint(), s.reply());
                        case ProbeOutcome.Behind b -> probe.reset(b.checkpoint(), b.reply());
                        default -> throw new IllegalStateException("no answer to reset at: " + o);
                    }
                }
            }
        }

        void line(ConnectionCheckpoint c, String outcome, String detail) {
            lines.add(new TakeoverReport.Connection(c.id().key(), outcome, detail));
        }
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

    /**
     * The proxy's plan for a rebuilt connection and how long it took: a plan that needs the origin waits for its answer
     * to a range request, and the report says which waited long.
     */
    record Planned(ResumePlan plan, long millis) {
        /** Plans slower than this are named in the report. */
        static final long SLOW_MILLIS = 100;

        /** "" for a prompt plan, else how long it took, to append to the connection's line. */
        String slowness() {
            return millis < SLOW_MILLIS ? "" : "; planned in " + millis + " ms";
        }
    }

    private static String awaiting(ProbeOutcome.Synchronized s) {
        return s.unrecordedBytes() == 0 ? "" : "; " + s.unrecordedBytes() + " bytes beyond the checkpoint awaited again";
    }

    /** Removes a connection's checkpoint: it will not be resumed, here or anywhere. */
    static void forget(Failover.Context ctx, ConnectionCheckpoint c) {
        try {
            ctx.store().remove(c.id(), c.version());
        } catch (RuntimeException e) {
            log.warn("could not remove the checkpoint of {}: {}", c.id(), e.toString());
        }
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

        synchronized void mark(String step) {
            marks.append(marks.isEmpty() ? "" : ", ").append(step).append(' ').append(clock.millis() - start);
        }

        @Override
        public synchronized String toString() {
            return marks.toString();
        }
    }
}
