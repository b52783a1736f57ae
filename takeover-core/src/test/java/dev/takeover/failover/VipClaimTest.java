package dev.takeover.failover;

import static dev.takeover.checkpoint.CheckpointFixtures.VIP_A;
import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.ConnectionCheckpoint;
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

    @Test
    void aTakeoverThatEndsBeforeItsAddressIsUpDoesNotLeaveTheClaimWaiting() throws Exception {
        VipClaim claim = start(vip -> Set.of(OldSequenceProbe.tuple(first)));
        claim.abandon();

        VipClaim.Result result = awaiting(claim).get(10, TimeUnit.SECONDS);
        assertThat(result.mine()).containsOnlyKeys(first.id(), second.id());
        assertThat(listedOn).isEmpty();
    }
}
