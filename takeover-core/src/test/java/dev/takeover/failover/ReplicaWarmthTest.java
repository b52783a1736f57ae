package dev.takeover.failover;

import static dev.takeover.checkpoint.CheckpointFixtures.VIP_A;
import static dev.takeover.checkpoint.CheckpointFixtures.VIP_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.InterceptedStore;
import dev.takeover.checkpoint.LocalCheckpointStore;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The steady-state listing that keeps a takeover's first step compiled. */
class ReplicaWarmthTest {
    private static final Inet4Address VIP_C = ConnectionId.ipv4("10.0.0.12");

    private final List<Inet4Address> listed = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final LocalCheckpointStore local = new LocalCheckpointStore();

    /** The store, recording each listByVip and failing them while {@link #failing} is set. */
    private final CheckpointStore store = InterceptedStore.of(local, (method, args) -> {
        if (method.equals("listByVip")) {
            listed.add((Inet4Address) args[0]);
            if (failing.get()) {
                throw new CheckpointStoreException("no quorum (test)");
            }
        }
    });

    @Test
    void listsTheVipsThisNodeDoesNotServeInTurn() {
        ReplicaWarmth warmth = new ReplicaWarmth(store, List.of(VIP_A, VIP_B, VIP_C), () -> Set.of(VIP_B));
        for (int i = 0; i < 4; i++) {
            warmth.listOne();
        }
        assertThat(listed).containsExactly(VIP_A, VIP_C, VIP_A, VIP_C);
    }

    @Test
    void listsNothingWhenThisNodeServesEveryVip() {
        new ReplicaWarmth(store, List.of(VIP_A, VIP_B), () -> Set.of(VIP_A, VIP_B)).listOne();
        assertThat(listed).isEmpty();
    }

    @Test
    void aFailingReadIsSkippedAndTheScheduleGoesOnUntilClosed() throws InterruptedException {
        failing.set(true);
        try (ReplicaWarmth warmth = new ReplicaWarmth(store, List.of(VIP_A), Set::of).start(Duration.ofMillis(5))) {
            awaitListings(3);
            failing.set(false);
            int before = listed.size();
            awaitListings(before + 2);
            warmth.close();
            Thread.sleep(50); // a listing under way when closed may still end
            int after = listed.size();
            Thread.sleep(100);
            assertThat(listed).as("closed: no more listings").hasSize(after);
        }
    }

    /** Waits (bounded: a hang guard) until {@code n} listings were made. */
    private void awaitListings(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (listed.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(listed.size()).as("listings made").isGreaterThanOrEqualTo(n);
    }
}
