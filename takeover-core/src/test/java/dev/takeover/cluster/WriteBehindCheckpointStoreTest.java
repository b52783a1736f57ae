package dev.takeover.cluster;

import static dev.takeover.checkpoint.CheckpointFixtures.VIP_A;
import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.takeover.checkpoint.Bundle;
import dev.takeover.checkpoint.CheckpointStore;
import dev.takeover.checkpoint.CheckpointStoreException;
import dev.takeover.checkpoint.ClaimResult;
import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.InterceptedStore;
import dev.takeover.checkpoint.LocalCheckpointStore;
import dev.takeover.checkpoint.PutResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write-behind queue over an in-memory store. Most tests start with the writer thread paused, so what is queued
 * is known exactly; {@link #failing} makes the store underneath fail its writes.
 */
class WriteBehindCheckpointStoreTest {

    private final LocalCheckpointStore local = new LocalCheckpointStore();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final WriteBehindCheckpointStore store = WriteBehindCheckpointStore.paused(gate(local), "n1");

    @AfterEach
    void close() {
        failing.set(false);
        store.close();
        local.close();
    }

    /** The store underneath, failing every putIfNewer while {@link #failing} is set. */
    private CheckpointStore gate(CheckpointStore target) {
        return InterceptedStore.of(target, (method, args) -> {
            if (method.equals("putIfNewer") && failing.get()) {
                throw new CheckpointStoreException("no quorum (test)");
            }
        });
    }

    /** Runs {@code work} on {@code threads} threads at once, each given its number, and waits for them (bounded). */
    private static void onThreads(int threads, java.util.function.IntConsumer work) throws InterruptedException {
        List<Thread> started = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int number = t;
            started.add(Thread.ofPlatform().start(() -> work.accept(number)));
        }
        for (Thread t : started) {
            t.join(60_000);
        }
    }

    /** Waits until the writer has emptied the queue (bounded: a hang guard). */
    private void drained() throws InterruptedException {
        assertThat(store.awaitEmpty(Duration.ofSeconds(30))).as("the writer drains the queue").isTrue();
    }

    @Test
    void aQueuedCheckpointIsReadableHereAtOnceAndReachesTheStoreUnderneath() throws Exception {
        ConnectionCheckpoint c = checkpoint(id(1), "n1", 3);

        assertThat(store.putIfNewer(c)).isEqualTo(PutResult.Stored.INSTANCE);
        assertThat(store.get(id(1))).as("read your own writes").contains(c);
        assertThat(store.listByVip(VIP_A)).containsExactly(c);
        assertThat(local.get(id(1))).as("not written yet").isEmpty();

        store.start();
        drained();
        assertThat(local.get(id(1))).contains(c);
        assertThat(store.queuedCount()).isZero();
    }

    @Test
    void aDurablePutCompletesOnlyOnceWrittenUnderneathAndANewerCheckpointCoversIt() throws Exception {
        var first = store.putDurably(checkpoint(id(1), "n1", 1));
        var second = store.putDurably(checkpoint(id(1), "n1", 2));
        var other = store.putDurably(checkpoint(id(2), "n1", 1));
        assertThat(first).as("queued, not written").isNotDone();

        failing.set(true);
        store.start();
        Thread.sleep(300); // the writer fails and retries meanwhile
        assertThat(first).as("a failed write leaves the wait on").isNotDone();
        failing.set(false);

        assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(PutResult.Stored.INSTANCE);
        assertThat(second.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(PutResult.Stored.INSTANCE);
        assertThat(other.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(PutResult.Stored.INSTANCE);
        assertThat(local.get(id(1)).orElseThrow().version()).isEqualTo(2);

        assertThat(store.putDurably(checkpoint(id(1), "n1", 2)).get(30, java.util.concurrent.TimeUnit.SECONDS))
                .as("known stale here: answered at once").isEqualTo(new PutResult.Stale(id(1), 2));
    }

    @Test
    void checkpointsQueuedForOneConnectionCoalesce() throws Exception {
        for (int v = 1; v <= 50; v++) {
            assertThat(store.putIfNewer(checkpoint(id(1), "n1", v)).stored()).isTrue();
        }
        store.putIfNewer(checkpoint(id(2), "n1", 1));
        assertThat(store.queuedCount()).as("one per connection").isEqualTo(2);

        store.start();
        drained();
        assertThat(local.get(id(1)).orElseThrow().version()).isEqualTo(50);
        assertThat(store.offeredAndWritten()).as("queued, written").containsExactly(51, 2);
    }

    @Test
    void theLingerIsFourTimesTheLastRoundOfWritesWithinItsBounds() {
        long min = WriteBehindCheckpointStore.LINGER_MIN.toNanos();
        long max = Duration.ofMillis(20).toNanos();
        assertThat(WriteBehindCheckpointStore.lingerAfter(0, max)).isEqualTo(min);
        assertThat(WriteBehindCheckpointStore.lingerAfter(min / 4 - 1, max)).isEqualTo(min);
        assertThat(WriteBehindCheckpointStore.lingerAfter(3_000_000, max)).isEqualTo(12_000_000);
        assertThat(WriteBehindCheckpointStore.lingerAfter(max / 4 + 1, max)).isEqualTo(max);
        assertThat(WriteBehindCheckpointStore.lingerAfter(Long.MAX_VALUE, max)).as("no overflow").isEqualTo(max);
        long oneMs = Duration.ofMillis(1).toNanos();
        assertThat(WriteBehindCheckpointStore.lingerAfter(0, oneMs)).as("a longest linger below 2 ms").isEqualTo(oneMs);
        assertThat(WriteBehindCheckpointStore.lingerAfter(3_000_000, min)).as("checkpoint.linger: 2ms").isEqualTo(min);
        assertThat(WriteBehindCheckpointStore.lingerAfter(300_000, 60, max)).as("a journal's round, three members")
                .isEqualTo(18_000_000);
        assertThat(WriteBehindCheckpointStore.lingerAfter(20_000, 60, max)).isEqualTo(min);
    }

    @Test
    void aSlowRoundOfWritesLengthensTheLingerAndAFastOneShortensItAgain() throws Exception {
        Duration longest = Duration.ofMillis(20);
        AtomicBoolean slow = new AtomicBoolean(true);
        try (WriteBehindCheckpointStore timed = WriteBehindCheckpointStore.over(local, batch -> {
            if (slow.get()) {
                try {
                    Thread.sleep(longest.toMillis()); // longer than longest / LINGER_FACTOR
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return batch.stream().map(local::putIfNewer).toList();
        }, "n1", longest)) {
            long max = longest.toNanos();
            timed.putDurably(checkpoint(id(1), "n1", 1)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(lingerOnceSettled(timed, n -> n == max)).as("after a slow round").isEqualTo(max);

            slow.set(false);
            assertThat(timed.putDurably(checkpoint(id(1), "n1", 2)).get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(PutResult.Stored.INSTANCE);
            assertThat(lingerOnceSettled(timed, n -> n < max)).as("after a fast round (one write to memory)")
                    .isLessThan(max);
        }
    }

    /** The writer sets its next linger just after a round's waiters are answered: polls for it (bounded). */
    private static long lingerOnceSettled(WriteBehindCheckpointStore s, java.util.function.LongPredicate settled)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!settled.test(s.lingerNanos()) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return s.lingerNanos();
    }

    @Test
    void staleAndFencedWritesAreRefusedFromWhatThisNodeKnows() {
        local.putIfNewer(checkpoint(id(1), "n1", 5));
        local.putIfNewer(checkpoint(id(2), "n1", 5));
        local.claim(id(2), "n2");
        store.putIfNewer(checkpoint(id(3), "n1", 7));

        assertThat(store.putIfNewer(checkpoint(id(1), "n1", 5))).isEqualTo(new PutResult.Stale(id(1), 5));
        assertThat(store.putIfNewer(checkpoint(id(2), "n1", 6))).isEqualTo(new PutResult.Fenced(id(2), "n2"));
        assertThat(store.putIfNewer(checkpoint(id(3), "n1", 7))).as("against the queue")
                .isEqualTo(new PutResult.Stale(id(3), 7));
        assertThat(store.putIfNewer(checkpoint(id(2), "n2", 6))).as("the claimant may write").isEqualTo(
                PutResult.Stored.INSTANCE);
    }

    @Test
    void aConnectionWhoseLastCheckpointThisStoreWroteIsQueuedAgainWithoutReadingTheReplica() throws Exception {
        AtomicInteger replicaReads = new AtomicInteger();
        WriteBehindCheckpointStore counted = WriteBehindCheckpointStore.paused(InterceptedStore.of(local, (m, a) -> {
            if (m.equals("get") || m.equals("claimant")) {
                replicaReads.incrementAndGet();
            }
        }), "n1");
        try {
            counted.start();
            counted.putIfNewer(checkpoint(id(1), "n1", 1));
            assertThat(replicaReads).as("a connection new here: claim and stored version read").hasValue(2);
            assertThat(counted.awaitEmpty(Duration.ofSeconds(30))).isTrue();

            replicaReads.set(0);
            assertThat(counted.putIfNewer(checkpoint(id(1), "n1", 2))).isEqualTo(PutResult.Stored.INSTANCE);
            assertThat(replicaReads).as("its last checkpoint was written here").hasValue(0);
            assertThat(counted.awaitEmpty(Duration.ofSeconds(30))).isTrue();
            assertThat(local.get(id(1)).orElseThrow().version()).isEqualTo(2);

            assertThat(counted.putIfNewer(checkpoint(id(1), "n1", 2))).as("not newer: checked against the replica")
                    .isEqualTo(new PutResult.Stale(id(1), 2));
            assertThat(counted.putIfNewer(checkpoint(id(1), "n2", 3))).as("another owner: checked too")
                    .isEqualTo(PutResult.Stored.INSTANCE);
            assertThat(replicaReads).hasValue(4);
            assertThat(counted.awaitEmpty(Duration.ofSeconds(30))).isTrue();

            assertThat(counted.remove(id(1), 3)).isTrue();
            replicaReads.set(0);
            counted.putIfNewer(checkpoint(id(1), "n2", 4));
            assertThat(replicaReads).as("a removal forgets the last write").hasValue(2);
        } finally {
            counted.close();
        }
    }

    @Test
    void putsFromManyThreadsWhileTheWriterComesAndGoesIdleAreAllWritten() throws Exception {
        store.start();
        int threads = 4;
        int connections = 50;
        int bursts = 40;
        onThreads(threads, t -> {
            int first = t * connections;
            for (int burst = 1; burst <= bursts; burst++) {
                for (int n = first; n < first + connections; n++) {
                    store.putIfNewer(checkpoint(id(n), "n1", burst));
                }
                // a burst each, some after the writer went idle again: each put after that must wake it
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.ThreadLocalRandom.current()
                        .nextLong(3_000_000));
            }
        });

        drained();
        for (int n = 0; n < threads * connections; n++) {
            assertThat(local.get(id(n)).orElseThrow().version()).as("connection %d", n).isEqualTo(bursts);
        }
        assertThat(store.offeredAndWritten()[0]).isEqualTo((long) threads * connections * bursts);
    }

    @Test
    void aClaimMadeElsewhereAfterTheLastWriteIsFoundByTheWriterAndTheNextPutIsRefusedAtOnce() throws Exception {
        store.start();
        store.putIfNewer(checkpoint(id(1), "n1", 1));
        drained();
        local.claim(id(1), "n2"); // another node takes the connection over, this one does not know yet

        assertThat(store.putIfNewer(checkpoint(id(1), "n1", 2))).as("a promise: the claim is not read here")
                .isEqualTo(PutResult.Stored.INSTANCE);
        var durable = store.putDurably(checkpoint(id(1), "n1", 3));
        assertThat(durable.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the writer checks under lock")
                .isEqualTo(new PutResult.Fenced(id(1), "n2"));
        drained();
        assertThat(local.get(id(1)).orElseThrow().version()).as("nothing written over the claim").isEqualTo(1);
        assertThat(store.putIfNewer(checkpoint(id(1), "n1", 4))).as("the refusal is remembered")
                .isEqualTo(new PutResult.Fenced(id(1), "n2"));
    }

    @Test
    void removalsClaimsBundlesAndMultiReadsWriteTheQueueFirst() {
        for (int n = 1; n <= 4; n++) {
            store.putIfNewer(checkpoint(id(n), "n1", 4));
        }

        assertThat(store.remove(id(1), 4)).as("the queued version 4 was written, then removed").isTrue();
        assertThat(store.get(id(1))).isEmpty();
        assertThat(store.claim(id(2), "n2")).isEqualTo(new ClaimResult.Claimed(checkpoint(id(2), "n1", 4)));
        assertThat(store.putBundle(Bundle.of("b", checkpoint(id(3), "n1", 4)))).as("after the queued v4")
                .isEqualTo(new PutResult.Stale(id(3), 4));
        assertThat(store.getAll(List.of(id(4)))).isEqualTo(Map.of(id(4), checkpoint(id(4), "n1", 4)));
        assertThat(store.queuedCount()).isZero();
        local.putIfNewer(checkpoint(id(5), "n1", 1));
        store.removeLater(id(5), 1);
        assertThat(store.claim(id(5), "n2")).as("the queued removal is written first")
                .isEqualTo(ClaimResult.NotFound.INSTANCE);
    }

    @Test
    void aRemovalQueuesAndHidesTheCheckpointHereUntilTheWriterRemovesItUnderneath() throws Exception {
        local.putIfNewer(checkpoint(id(1), "n1", 3));
        local.putIfNewer(checkpoint(id(2), "n1", 5));

        store.removeLater(id(1), 3);
        store.removeLater(id(2), 4); // older than what is stored: leaves it
        assertThat(local.get(id(1))).as("not removed underneath yet").isPresent();
        assertThat(store.get(id(1))).as("but gone here").isEmpty();
        assertThat(store.listByVip(VIP_A)).containsExactly(checkpoint(id(2), "n1", 5));
        assertThat(store.putIfNewer(checkpoint(id(1), "n1", 2))).as("a late put of the closed connection")
                .isEqualTo(new PutResult.Stale(id(1), 3));

        store.start();
        drained();
        assertThat(local.get(id(1))).isEmpty();
        assertThat(local.get(id(2))).contains(checkpoint(id(2), "n1", 5));
    }

    @Test
    void aRemovalDropsTheQueuedCheckpointItCoversAndItsDurableWaiterHearsStale() throws Exception {
        var durable = store.putDurably(checkpoint(id(1), "n1", 2));
        store.removeLater(id(1), 2);

        assertThat(durable).isCompletedWithValue(new PutResult.Stale(id(1), 2));
        assertThat(store.queuedCount()).as("nothing left to put").isZero();
        AtomicInteger puts = new AtomicInteger();
        WriteBehindCheckpointStore counted = WriteBehindCheckpointStore.paused(InterceptedStore.of(local, (m, a) -> {
            if (m.equals("putIfNewer")) {
                puts.incrementAndGet();
            }
        }), "n1");
        try {
            counted.putIfNewer(checkpoint(id(3), "n1", 1));
            counted.removeLater(id(3), 1);
            counted.start();
            assertThat(counted.awaitEmpty(Duration.ofSeconds(30))).isTrue();
            assertThat(puts).as("the covered checkpoint was never written").hasValue(0);
            assertThat(local.get(id(3))).isEmpty();
        } finally {
            counted.close();
        }
    }

    @Test
    void queuedRemovalsAreWrittenInBatches() throws Exception {
        List<Integer> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        WriteBehindCheckpointStore batched = WriteBehindCheckpointStore.paused(local, versions -> {
            batches.add(versions.size());
            versions.forEach(local::remove);
        }, "n1");
        try {
            for (int n = 0; n < 300; n++) {
                local.putIfNewer(checkpoint(id(n), "n1", 2));
                batched.removeLater(id(n), 2);
            }
            batched.start();
            assertThat(batched.awaitEmpty(Duration.ofSeconds(30))).isTrue();
            assertThat(batches).containsExactlyInAnyOrder(WriteBehindCheckpointStore.BATCH,
                    WriteBehindCheckpointStore.BATCH, 300 - 2 * WriteBehindCheckpointStore.BATCH);
            assertThat(local.listByVip(VIP_A)).isEmpty();
        } finally {
            batched.close();
        }
    }

    @Test
    void aClaimOfManyConnectionsFirstWritesTheirQueuedCheckpointsAndRemovalsInBatches() throws Exception {
        List<Integer> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> removals = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger single = new AtomicInteger();
        CheckpointStore counted = InterceptedStore.of(local, (m, a) -> {
            if (m.equals("putIfNewer") || m.equals("remove")) {
                single.incrementAndGet();
            }
        });
        WriteBehindCheckpointStore batched = WriteBehindCheckpointStore.paused(counted, batch -> {
            writes.add(batch.size());
            return batch.stream().map(local::putIfNewer).toList();
        }, versions -> {
            removals.add(versions.size());
            versions.forEach(local::remove);
        }, "n1");
        try {
            List<ConnectionId> ids = new java.util.ArrayList<>();
            for (int n = 0; n < 300; n++) { // the writer paused: every resumed connection queued a checkpoint
                ids.add(id(n));
                local.putIfNewer(checkpoint(id(n), "n2", 2));
                assertThat(batched.putIfNewer(checkpoint(id(n), "n1", 3))).isEqualTo(PutResult.Stored.INSTANCE);
            }
            for (int n = 300; n < 430; n++) { // and connections that closed since
                ids.add(id(n));
                local.putIfNewer(checkpoint(id(n), "n1", 2));
                batched.removeLater(id(n), 2);
            }

            Map<ConnectionId, ClaimResult> claims = batched.claimAll(ids, "n1");

            assertThat(writes).containsExactly(WriteBehindCheckpointStore.BATCH, WriteBehindCheckpointStore.BATCH,
                    300 - 2 * WriteBehindCheckpointStore.BATCH);
            assertThat(removals).containsExactlyInAnyOrder(WriteBehindCheckpointStore.BATCH,
                    130 - WriteBehindCheckpointStore.BATCH);
            assertThat(single).as("nothing written one at a time").hasValue(0);
            assertThat(batched.queuedCount()).isZero();
            assertThat(claims.get(id(0))).isInstanceOfSatisfying(ClaimResult.Claimed.class,
                    c -> assertThat(c.checkpoint().version()).isEqualTo(3));
            assertThat(claims.get(id(299))).isInstanceOfSatisfying(ClaimResult.Claimed.class,
                    c -> assertThat(c.checkpoint().version()).isEqualTo(3));
            assertThat(claims.get(id(300))).isEqualTo(ClaimResult.NotFound.INSTANCE);
        } finally {
            batched.close();
        }
    }

    @Test
    void aLaterConnectionOnTheSameFourTupleReplacesAQueuedRemovalAndTheClosedOnesCheckpoint() throws Exception {
        long closedAt = dev.takeover.checkpoint.Checkpointer.startingVersion(1_000);
        long reopenedAt = dev.takeover.checkpoint.Checkpointer.startingVersion(1_001);
        local.putIfNewer(checkpoint(id(1), "n1", closedAt + 9));
        store.removeLater(id(1), closedAt + 9);

        assertThat(store.putIfNewer(checkpoint(id(1), "n1", reopenedAt + 1))).isEqualTo(PutResult.Stored.INSTANCE);
        store.removeLater(id(1), closedAt + 9); // the closed connection's removal again: the newer checkpoint stays
        assertThat(store.get(id(1)).orElseThrow().version()).isEqualTo(reopenedAt + 1);

        store.start();
        drained();
        assertThat(local.get(id(1)).orElseThrow().version()).isEqualTo(reopenedAt + 1);
    }

    @Test
    void connectionsOpeningAndClosingOnFewFourTuplesFromManyThreadsLeaveExactlyTheLastOnes() throws Exception {
        store.start();
        int threads = 4;
        int tuples = 8;
        int cycles = 300;
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000);
        // per tuple, the version the last cycle ended with, and whether it closed
        long[][] last = new long[threads * tuples][2];
        onThreads(threads, t -> { // each thread has tuples of its own
            var random = java.util.concurrent.ThreadLocalRandom.current();
            for (int cycle = 0; cycle < cycles; cycle++) {
                int n = t * tuples + random.nextInt(tuples);
                long v = dev.takeover.checkpoint.Checkpointer.startingVersion(clock.incrementAndGet());
                int checkpoints = 1 + random.nextInt(3);
                for (int k = 1; k <= checkpoints; k++) {
                    store.putIfNewer(checkpoint(id(n), "n1", v + k));
                }
                boolean closes = random.nextInt(3) > 0;
                if (closes) {
                    store.removeLater(id(n), v + checkpoints);
                }
                last[n] = new long[] {v + checkpoints, closes ? 1 : 0};
                if (cycle % 16 == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(random.nextLong(2_000_000));
                }
            }
        });

        drained();
        for (int n = 0; n < threads * tuples; n++) {
            if (last[n][0] == 0) {
                continue; // never used
            }
            if (last[n][1] == 1) {
                assertThat(local.get(id(n))).as("tuple %d closed last", n).isEmpty();
            } else {
                assertThat(local.get(id(n)).orElseThrow().version()).as("tuple %d open", n).isEqualTo(last[n][0]);
            }
        }
    }

    @Test
    void aFailingStoreUnderneathIsRetriedUntilItRecovers() throws Exception {
        failing.set(true);
        store.start();
        ConnectionCheckpoint c = checkpoint(id(1), "n1", 2);
        assertThat(store.putIfNewer(c).stored()).isTrue();
        assertThat(store.awaitEmpty(Duration.ofMillis(300))).as("still queued while failing").isFalse();

        failing.set(false);
        drained();
        assertThat(local.get(id(1))).contains(c);
    }

    @Test
    void closeWritesWhatIsQueuedThenRefusesEverything() {
        store.start();
        store.putIfNewer(checkpoint(id(1), "n1", 2));
        store.close();

        assertThat(local.get(id(1))).contains(checkpoint(id(1), "n1", 2));
        assertThatThrownBy(() -> store.putIfNewer(checkpoint(id(1), "n1", 3)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.get(id(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> store.putIfNewer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.claim(id(1), "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.getAll(java.util.Arrays.asList(id(1), null)))
                .isInstanceOf(NullPointerException.class);
    }
}
