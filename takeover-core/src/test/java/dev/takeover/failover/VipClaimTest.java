package dev.takeover.failover;

import static dev.takeover.checkpoint.CheckpointFixtures.VIP_A;
import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ClaimResult;
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
        ctx = over(node.checkpoints());
    }

    /** A context of node n1 in a majority, with the node's VIP directory and {@code store}; no kernel, no proxy. */
    private static Failover.Context over(CheckpointStore store) {
        return new Failover.Context("n1", "lo", 24, Clock.systemUTC(), null, null, node.vips(), store, null, null,
                vip -> { }, () -> true);
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

    /** Starts a claim of the two connections, their own claims let go at once (as after their rebuilds). */
    private VipClaim start(VipClaim.EstablishedConnections sockets) {
        VipClaim claim = VipClaim.start(ctx, VIP_A, "n2", "n2", List.of(first, second), vip -> {
            listedOn.add(vip);
            return sockets.on(vip);
        }, step -> { });
        claim.claimConnections();
        return claim;
    }

    private static CompletableFuture<VipClaim.Result> awaiting(VipClaim claim) {
        return CompletableFuture.supplyAsync(claim::result);
    }

    private static CompletableFuture<ConnectionCheckpoint> mine(VipClaim claim, ConnectionCheckpoint c) {
        return CompletableFuture.supplyAsync(() -> claim.awaitMine(c.id()));
    }

    @Test
    void aClaimLostInTheDirectoryTakesNoConnection() throws Exception {
        assertThat(node.vips().claim(VIP_A.getHostAddress(), "n2", "n3")).isTrue(); // another survivor was first

        VipClaim claim = start(vip -> Set.of());
        claim.addressUp();

        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(VipClaim.Result.LOST);
        assertThat(claim.won()).isFalse();
        assertThat(mine(claim, first).get(10, TimeUnit.SECONDS)).isNull();
        assertThat(node.vips().owner(VIP_A.getHostAddress())).contains("n3");
        assertThat(node.checkpoints().claimant(first.id())).isEmpty();
        assertThat(node.checkpoints().claimant(second.id())).isEmpty();
    }

    @Test
    void aConnectionWhoseFourTupleANewerOneHoldsHereIsSetAsideAndForgotten() throws Exception {
        VipClaim claim = start(vip -> Set.of(OldSequenceProbe.tuple(first)));
        claim.addressUp();

        assertThat(mine(claim, first).get(10, TimeUnit.SECONDS)).isNull();
        assertThat(mine(claim, second).get(10, TimeUnit.SECONDS)).isEqualTo(second);
        assertThat(claim.dropped()).extracting(ConnectionCheckpoint::id).containsExactly(first.id());
        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.won()).isTrue();
        assertThat(node.checkpoints().get(first.id())).isEmpty();
        assertThat(node.checkpoints().claimant(second.id())).contains("n1");
        assertThat(node.vips().owner(VIP_A.getHostAddress())).contains("n1");
        assertThat(listedOn).containsExactly(VIP_A);
    }

    @Test
    void noConnectionIsHandedOutBeforeTheConnectionsHereAreListedOnceTheAddressIsUp() throws Exception {
        VipClaim claim = start(vip -> Set.of());
        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).as("the claims do not wait for the address")
                .isEqualTo(new VipClaim.Result(true, 2, 0));
        CompletableFuture<ConnectionCheckpoint> firstOne = mine(claim, first);
        Thread.sleep(100);
        assertThat(firstOne).as("waiting for the address: a rebuilt socket must not be listed").isNotDone();
        assertThat(listedOn).isEmpty();

        claim.addressUp();
        assertThat(firstOne.get(10, TimeUnit.SECONDS)).isEqualTo(first);
        assertThat(listedOn).containsExactly(VIP_A);
    }

    @Test
    void connectionsThatCannotBeListedKeepEveryCheckpoint() throws Exception {
        VipClaim claim = start(vip -> {
            throw new IOException("ss: not found");
        });
        claim.addressUp();

        assertThat(mine(claim, first).get(10, TimeUnit.SECONDS)).isEqualTo(first);
        assertThat(mine(claim, second).get(10, TimeUnit.SECONDS)).isEqualTo(second);
        assertThat(claim.dropped()).isEmpty();
        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(new VipClaim.Result(true, 2, 0));
    }

    /**
     * A context whose store holds each claimAll after the first {@code free} until {@code gate} completes, and fails
     * it while {@code failing} is set.
     */
    private static Failover.Context gated(int free, CompletableFuture<Void> gate, AtomicBoolean failing,
                                          AtomicInteger claimAlls) {
        CheckpointStore store = InterceptedStore.of(node.checkpoints(), (method, args) -> {
            if (method.equals("claimAll") && claimAlls.incrementAndGet() > free) {
                gate.get(10, TimeUnit.SECONDS);
                if (failing.get()) {
                    throw new CheckpointStoreException("no quorum (test)");
                }
            }
        });
        return over(store);
    }

    @Test
    void theConnectionsAreHandedOutOnceTheDirectoryIsWonAndClaimedOnlyWhenTheTakeoverLetsTheClaimsGo()
            throws Exception {
        AtomicInteger claimAlls = new AtomicInteger();
        VipClaim claim = VipClaim.start(gated(Integer.MAX_VALUE, null, new AtomicBoolean(), claimAlls), VIP_A, "n2",
                "n2", List.of(first, second), vip -> Set.of(), step -> { });
        claim.addressUp();

        assertThat(mine(claim, first).get(10, TimeUnit.SECONDS)).as("as listed").isEqualTo(first);
        assertThat(mine(claim, second).get(10, TimeUnit.SECONDS)).isEqualTo(second);
        Thread.sleep(100);
        assertThat(claimAlls).as("no claim before the rebuilds are done").hasValue(0);
        assertThat(awaiting(claim)).isNotDone();

        claim.claimConnections();
        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(new VipClaim.Result(true, 2, 0));
        assertThat(claimAlls).hasValue(1);
        assertThat(node.checkpoints().claimant(first.id())).contains("n1");
    }

    @Test
    void onceTheDirectoryIsWonEveryConnectionIsHandedOutWhileItsClaimIsStillAtTheStore() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger claimAlls = new AtomicInteger();
        VipClaim claim = VipClaim.start(gated(0, gate, new AtomicBoolean(), claimAlls), VIP_A, "n2", "n2",
                List.of(first, second), vip -> Set.of(), step -> { });
        claim.addressUp();
        claim.claimConnections(); // as if every socket were rebuilt already

        assertThat(mine(claim, first).get(10, TimeUnit.SECONDS)).as("as listed").isEqualTo(first);
        assertThat(mine(claim, second).get(10, TimeUnit.SECONDS)).isEqualTo(second);
        assertThat(node.vips().owner(VIP_A.getHostAddress())).contains("n1");
        assertThat(awaiting(claim)).as("the claim, held at the store").isNotDone();
        assertThat(node.checkpoints().claimant(first.id())).isEmpty();

        gate.complete(null);
        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(new VipClaim.Result(true, 2, 0));
        assertThat(claimAlls).as("one transaction for the part of two").hasValue(1);
        assertThat(node.checkpoints().claimant(first.id())).contains("n1");
        assertThat(node.checkpoints().claimant(second.id())).contains("n1");
    }

    @Test
    void twoPartsAreClaimedAtOnceSoOneHeldAtTheStoreDoesNotHoldTheNext() throws Exception {
        ConnectionCheckpoint third = checkpoint(id(3), "n2", 5);
        node.checkpoints().remove(id(3), Long.MAX_VALUE);
        node.checkpoints().putIfNewer(third);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger claimAlls = new AtomicInteger();
        CheckpointStore store = InterceptedStore.of(node.checkpoints(), (method, args) -> {
            if (method.equals("claimAll") && claimAlls.incrementAndGet() == 1) {
                gate.get(10, TimeUnit.SECONDS); // whichever part's transaction comes first waits at the store
            }
        });
        Failover.Context held = over(store);
        List<ConnectionCheckpoint> all = List.of(first, second, third);
        VipClaim claim = VipClaim.start(held, VIP_A, "n2", "n2", all, 1, vip -> Set.of(), s -> { });
        claim.claimConnections();

        assertThat(VipClaim.CLAIM_THREADS).as("the default").isEqualTo(2);
        for (int i = 0; i < 500 && claimedHere(all) < 2; i++) {
            Thread.sleep(10);
        }
        assertThat(claimedHere(all)).as("the other two parts, claimed while one waits").isEqualTo(2);
        assertThat(awaiting(claim)).isNotDone();

        gate.complete(null);
        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(new VipClaim.Result(true, 3, 0));
        assertThat(claimedHere(all)).isEqualTo(3);
        assertThat(claimAlls).hasValue(3);
    }

    private static long claimedHere(List<ConnectionCheckpoint> all) {
        return all.stream().filter(c -> node.checkpoints().claimant(c.id()).filter("n1"::equals).isPresent()).count();
    }

    @Test
    void aPartThatCannotBeClaimedIsLeftUnclaimedAfterThreeTriesAndItsConnectionsAreStillThisNodes() throws Exception {
        AtomicInteger claimAlls = new AtomicInteger();
        VipClaim claim = VipClaim.start(gated(1, CompletableFuture.completedFuture(null), new AtomicBoolean(true),
                claimAlls), VIP_A, "n2", "n2", List.of(first, second), 1, vip -> Set.of(), step -> { });
        claim.addressUp();
        claim.claimConnections();

        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(new VipClaim.Result(true, 1, 1));
        assertThat(claimAlls).as("one part once, the other tried three times").hasValue(1 + VipClaim.PART_ATTEMPTS);
        assertThat(claimedHere(List.of(first, second))).isEqualTo(1);
        assertThat(claim.awaitMine(first.id())).isEqualTo(first);
        assertThat(claim.awaitMine(second.id())).as("rebuilt all the same: the VIP is this node's").isEqualTo(second);
    }

    @Test
    void aClaimTheDeadNodeHeldIsReleasedAndClaimedAgainButAnotherNodesIsLeft() throws Exception {
        assertThat(node.checkpoints().claim(first.id(), "n2")).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(node.checkpoints().claim(second.id(), "n3")).isInstanceOf(ClaimResult.Claimed.class);

        VipClaim claim = start(vip -> Set.of());
        claim.addressUp();

        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(new VipClaim.Result(true, 1, 1));
        assertThat(node.checkpoints().claimant(first.id())).contains("n1");
        assertThat(node.checkpoints().claimant(second.id())).contains("n3");
    }

    @Test
    void aTakeoverThatEndsBeforeItsAddressIsUpDoesNotLeaveTheClaimWaiting() throws Exception {
        VipClaim claim = VipClaim.start(ctx, VIP_A, "n2", "n2", List.of(first, second), vip -> {
            listedOn.add(vip);
            return Set.of(OldSequenceProbe.tuple(first));
        }, step -> { });
        claim.abandon();

        assertThat(mine(claim, first).get(10, TimeUnit.SECONDS)).isEqualTo(first);
        assertThat(awaiting(claim).get(10, TimeUnit.SECONDS)).isEqualTo(new VipClaim.Result(true, 2, 0));
        assertThat(listedOn).isEmpty();
    }
}
