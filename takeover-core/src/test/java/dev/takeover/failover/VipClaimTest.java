package dev.takeover.failover;

import static dev.takeover.checkpoint.CheckpointFixtures.VIP_A;
import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.InterceptedStore;
import dev.takeover.cluster.ClusterNode;
import dev.takeover.cluster.TestClusters;
import dev.takeover.config.CheckpointConfig;
import dev.takeover.probe.OldSequenceProbe;
import java.io.IOException;
import java.net.Inet4Address;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cluster's side of a takeover against a real (single-node) store and VIP directory; {@code ss} is scripted. */
class VipClaimTest {
    private static ClusterNode node;
    private static Failover.Context ctx;
    private final List<Inet4Address> listedOn = new CopyOnWriteArrayList<>();
    private ConnectionCheckpoint first;
    private ConnectionCheckpoint second;

    @BeforeAll
    static void startNode() {
        node = ClusterNode.start(TestClusters.loopback("claims", List.of("127.0.0.1"), CheckpointConfig.Replication.SYNC),
                "n1");
        ctx = new Failover.Context("n1", "lo", 24, Clock.systemUTC(), null, null, node.vips(), node.checkpoints(), null,
                null, vip -> { });
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @BeforeEach
    void checkpointsOfTheDeadNode() {
        CheckpointStore store = node.checkpoints();
        store.remove(id(1), Long.MAX_VALUE);
        store.remove(id(2), Long.MAX_VALUE);
        String vip = VIP_A.getHostAddress();
        assertThat(node.vips().claim(vip, node.vips().owner(vip).orElse(null), "n2")).isTrue(); // the dead node's
        first = checkpoint(id(1), "n2", 3);
        second = checkpoint(id(2), "n2", 4);
        store.putIfNewer(first);
        store.putIfNewer(second);
    }

    private VipClaim start(VipClaim.EstablishedConnections sockets) {
        return VipClaim.start(ctx, VIP_A, "n2", List.of(first, second), vip -> {
            listedOn.add(vip);
            return sockets.on(vip);
        }, step -> { });
    }

    private static CompletableFuture<VipClaim.Result> awaiting(VipClaim claim) {
        return CompletableFuture.supplyAsync(claim::result);
    }

    @Test
    void aClaimLostInTheDirectoryTakesNoConnection() throws Exception {
        assertThat(node.vips().claim(VIP_A.getHostAddress(), "n2", "n3")).isTrue(); // another survivor was first

        VipClaim claim = start(vip -> Set.of());
        claim.addressUp();

        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(VipClaim.Result.LOST);
        assertThat(node.vips().owner(VIP_A.getHostAddress())).contains("n3");
        assertThat(node.checkpoints().claimant(first.id())).isEmpty();
        assertThat(node.checkpoints().claimant(second.id())).isEmpty();
    }

    @Test
    void aConnectionWhoseFourTupleANewerOneHoldsHereIsSetAsideAndForgotten() throws Exception {
        VipClaim claim = start(vip -> Set.of(OldSequenceProbe.tuple(first)));
        claim.addressUp();

        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.won()).isTrue();
        assertThat(result.mine()).containsOnlyKeys(second.id());
        assertThat(result.dropped()).extracting(ConnectionCheckpoint::id).containsExactly(first.id());
        assertThat(node.checkpoints().get(first.id())).isEmpty();
        assertThat(node.checkpoints().claimant(second.id())).contains("n1");
        assertThat(node.vips().owner(VIP_A.getHostAddress())).contains("n1");
        assertThat(listedOn).containsExactly(VIP_A);
    }

    @Test
    void theConnectionsAreListedOnlyOnceTheAddressIsUp() throws Exception {
        VipClaim claim = start(vip -> Set.of());
        CompletableFuture<VipClaim.Result> result = awaiting(claim);
        for (int i = 0; i < 500 && node.checkpoints().claimant(second.id()).isEmpty(); i++) {
            Thread.sleep(10); // until this node's claim of the connections is in
        }
        Thread.sleep(100);
        assertThat(result).as("waiting for the address").isNotDone();
        assertThat(listedOn).isEmpty();

        claim.addressUp();
        assertThat(result.get(10, TimeUnit.SECONDS).mine()).containsOnlyKeys(first.id(), second.id());
        assertThat(listedOn).containsExactly(VIP_A);
    }

    @Test
    void connectionsThatCannotBeListedKeepEveryCheckpoint() throws Exception {
        VipClaim claim = start(vip -> {
            throw new IOException("ss: not found");
        });
        claim.addressUp();

        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.mine()).containsOnlyKeys(first.id(), second.id());
        assertThat(result.dropped()).isEmpty();
    }

    /**
     * A context whose store holds each claimAll after the first until {@code gate} completes, and fails it while
     * {@code failing} is set.
     */
    private static Failover.Context gated(CompletableFuture<Void> gate, AtomicBoolean failing,
                                          AtomicInteger claimAlls) {
        CheckpointStore store = InterceptedStore.of(node.checkpoints(), (method, args) -> {
            if (method.equals("claimAll") && claimAlls.incrementAndGet() > 1) {
                gate.get(10, TimeUnit.SECONDS);
                if (failing.get()) {
                    throw new CheckpointStoreException("no quorum (test)");
                }
            }
        });
        return new Failover.Context("n1", "lo", 24, Clock.systemUTC(), null, null, node.vips(), store, null, null,
                vip -> { });
    }

    @Test
    void eachPartsConnectionsCanBeRebuiltWhileTheNextPartIsClaimed() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger claimAlls = new AtomicInteger();
        VipClaim claim = VipClaim.start(gated(gate, new AtomicBoolean(), claimAlls), VIP_A,
                "n2", List.of(first, second), 1, vip -> Set.of(), step -> { });
        claim.addressUp();

        assertThat(CompletableFuture.supplyAsync(() -> claim.awaitMine(first.id())).get(10, TimeUnit.SECONDS))
                .as("the first part, claimed while the second waits").isEqualTo(first);
        CompletableFuture<ConnectionCheckpoint> later = CompletableFuture.supplyAsync(() -> claim.awaitMine(second.id()));
        Thread.sleep(100);
        assertThat(later).as("the second part, held at the store").isNotDone();
        assertThat(awaiting(claim)).isNotDone();

        gate.complete(null);
        assertThat(later.get(10, TimeUnit.SECONDS)).isEqualTo(second);
        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.mine()).containsOnlyKeys(first.id(), second.id());
        assertThat(claimAlls).as("one transaction per part").hasValue(2);
        assertThat(node.checkpoints().claimant(second.id())).contains("n1");
    }

    @Test
    void afterTheFirstPartTwoPartsAreClaimedAtOnceSoOneHeldAtTheStoreDoesNotHoldTheNext() throws Exception {
        ConnectionCheckpoint third = checkpoint(id(3), "n2", 5);
        node.checkpoints().remove(id(3), Long.MAX_VALUE);
        node.checkpoints().putIfNewer(third);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger claimAlls = new AtomicInteger();
        CheckpointStore store = InterceptedStore.of(node.checkpoints(), (method, args) -> {
            // the second part's transaction (the second claimAll) waits at the store
            if (method.equals("claimAll") && claimAlls.incrementAndGet() == 2) {
                gate.get(10, TimeUnit.SECONDS);
            }
        });
        Failover.Context held = new Failover.Context("n1", "lo", 24, Clock.systemUTC(), null, null, node.vips(), store,
                null, null, vip -> { });
        VipClaim claim = VipClaim.start(held, VIP_A, "n2", List.of(first, second, third), 1, vip -> Set.of(), s -> { });
        claim.addressUp();

        assertThat(VipClaim.CLAIM_THREADS).as("the default").isEqualTo(2);
        assertThat(CompletableFuture.supplyAsync(() -> claim.awaitMine(third.id())).get(10, TimeUnit.SECONDS))
                .as("the third part, claimed while the second waits").isEqualTo(third);
        assertThat(CompletableFuture.supplyAsync(() -> claim.awaitMine(second.id()))).isNotDone();

        gate.complete(null);
        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.mine()).containsOnlyKeys(first.id(), second.id(), third.id());
        assertThat(claimAlls).hasValue(3);
    }

    @Test
    void aLaterPartThatCannotBeClaimedIsLeftToBeResetWithoutFailingThePartsBefore() throws Exception {
        CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
        AtomicInteger claimAlls = new AtomicInteger();
        VipClaim claim = VipClaim.start(gated(gate, new AtomicBoolean(true), claimAlls),
                VIP_A, "n2", List.of(first, second), 1, vip -> Set.of(), step -> { });
        claim.addressUp();

        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.won()).isTrue();
        assertThat(result.mine()).containsOnlyKeys(first.id());
        assertThat(claim.awaitMine(first.id())).isEqualTo(first);
        assertThat(claim.awaitMine(second.id())).as("not this node's: reset once the guard lifts").isNull();
        assertThat(claimAlls).as("the first part once, the second tried three times").hasValue(4);
        assertThat(node.checkpoints().claimant(second.id())).isEmpty();
    }

    @Test
    void aTakeoverThatEndsBeforeItsAddressIsUpDoesNotLeaveTheClaimWaiting() throws Exception {
        VipClaim claim = start(vip -> Set.of(OldSequenceProbe.tuple(first)));
        claim.abandon();

        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.mine()).containsOnlyKeys(first.id(), second.id());
        assertThat(listedOn).isEmpty();
    }
}
