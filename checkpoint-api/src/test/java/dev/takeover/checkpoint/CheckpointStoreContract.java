package dev.takeover.checkpoint;

import static dev.takeover.checkpoint.CheckpointFixtures.VIP_A;
import static dev.takeover.checkpoint.CheckpointFixtures.VIP_B;
import static dev.takeover.checkpoint.CheckpointFixtures.checkpoint;
import static dev.takeover.checkpoint.CheckpointFixtures.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link CheckpointStore} contract, as tests. Every implementation's test extends this class and supplies
 * {@link #newStore()}; a clustered implementation also overrides {@link #peerOf} so that half of the operations go
 * through a second node. After each test, {@link #checkInvariants} compares the listing and point reads.
 *
 * <p>Listener events may arrive on another thread after the write returns; tests wait for them (up to
 * {@link #EVENT_WAIT_SECONDS}, a bound on a hang, not a speed requirement) and prove an event's absence by
 * waiting for a later marker event instead of sleeping.
 */
public abstract class CheckpointStoreContract {

    /** How long a test waits for an expected event before declaring it lost. */
    protected static final long EVENT_WAIT_SECONDS = 30;

    protected CheckpointStore store;
    protected CheckpointStore peer;

    /** A new, empty store (for a clustered store: the first node of a new, empty cluster). */
    protected abstract CheckpointStore newStore();

    /**
     * Another node's view of {@code store}'s data. A single-node store returns {@code store} itself (the default).
     * Closed after each test, before {@code store}.
     */
    protected CheckpointStore peerOf(CheckpointStore store) {
        return store;
    }

    @BeforeEach
    void openStores() {
        store = newStore();
        peer = peerOf(store);
    }

    @AfterEach
    void closeStores() {
        try {
            checkInvariants();
        } finally {
            if (peer != store) {
                peer.close();
            }
            store.close();
        }
    }

    /** What must hold between operations, whatever the test did: listing and point reads agree on both nodes. */
    protected void checkInvariants() {
        for (var vip : List.of(VIP_A, VIP_B)) {
            List<ConnectionCheckpoint> listed = store.listByVip(vip);
            Set<ConnectionId> ids = new HashSet<>();
            for (ConnectionCheckpoint c : listed) {
                assertThat(c.vip()).as("listed under %s", vip).isEqualTo(vip);
                assertThat(ids.add(c.id())).as("listed once: %s", c.id()).isTrue();
                assertThat(store.get(c.id())).contains(c);
                assertThat(peer.get(c.id())).contains(c);
            }
            assertThat(store.getAll(ids)).hasSize(ids.size());
            assertThat(peer.listByVip(vip)).containsExactlyInAnyOrderElementsOf(listed);
        }
    }

    // ---- putIfNewer / get / remove ----

    @Test
    void putIfNewerStoresTheFirstCheckpoint() {
        ConnectionCheckpoint c = checkpoint(id(1), "node-a", 1);

        assertThat(store.putIfNewer(c)).isEqualTo(PutResult.Stored.INSTANCE);
        assertThat(store.get(id(1))).contains(c);
        assertThat(peer.get(id(1))).contains(c);
        assertThat(store.get(id(2))).isEmpty();
    }

    @Test
    void putIfNewerKeepsOnlyStrictlyNewerVersions() {
        store.putIfNewer(checkpoint(id(1), "node-a", 5));

        assertThat(peer.putIfNewer(checkpoint(id(1), "node-a", 5))).isEqualTo(new PutResult.Stale(id(1), 5));
        assertThat(store.putIfNewer(checkpoint(id(1), "node-a", 4))).isEqualTo(new PutResult.Stale(id(1), 5));
        assertThat(store.putIfNewer(checkpoint(id(1), "node-b", 0))).isEqualTo(new PutResult.Stale(id(1), 5));
        assertThat(store.get(id(1))).contains(checkpoint(id(1), "node-a", 5));

        assertThat(peer.putIfNewer(checkpoint(id(1), "node-a", 6)).stored()).isTrue();
        assertThat(store.get(id(1))).contains(checkpoint(id(1), "node-a", 6));
    }

    @Test
    void versionsAreCountedPerConnection() {
        store.putIfNewer(checkpoint(id(1), "node-a", 100));

        assertThat(store.putIfNewer(checkpoint(id(2), "node-a", 1)).stored()).isTrue();
        assertThat(store.get(id(1)).orElseThrow().version()).isEqualTo(100);
        assertThat(store.get(id(2)).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aRemovalForLaterFollowsTheRemoveRulesAndIsNotReadHereAfterwards() {
        store.putIfNewer(checkpoint(id(1), "node-a", 3));
        store.putIfNewer(checkpoint(id(2), "node-a", 5));

        store.removeLater(id(1), 3);
        store.removeLater(id(2), 4);

        assertThat(store.get(id(1))).isEmpty();
        assertThat(store.get(id(2))).contains(checkpoint(id(2), "node-a", 5));
    }

    @Test
    void removeDeletesOnlyVersionsUpToTheGivenOne() {
        store.putIfNewer(checkpoint(id(1), "node-a", 5));

        assertThat(store.remove(id(1), 4)).as("a late removal of an older version").isFalse();
        assertThat(store.get(id(1))).isPresent();
        assertThat(peer.remove(id(1), 5)).isTrue();
        assertThat(store.get(id(1))).isEmpty();
        assertThat(store.remove(id(1), 5)).as("repeated removal").isFalse();

        store.putIfNewer(checkpoint(id(2), "node-a", 5));
        assertThat(store.remove(id(2), 9)).as("a newer version removes an older").isTrue();
        assertThat(store.remove(id(3), 1)).as("absent").isFalse();
    }

    @Test
    void removalAllowsANewIncarnationFromVersionZero() {
        store.putIfNewer(checkpoint(id(1), "node-a", 7));
        store.remove(id(1), 7);

        assertThat(store.putIfNewer(checkpoint(id(1), "node-b", 0)).stored()).isTrue();
        assertThat(store.get(id(1)).orElseThrow().ownerNode()).isEqualTo("node-b");
    }

    @Test
    void listByVipReturnsExactlyThatVipsConnections() {
        List<ConnectionCheckpoint> onA = IntStream.range(0, 5).mapToObj(n -> checkpoint(id(VIP_A, n), "node-a", 1))
                .toList();
        List<ConnectionCheckpoint> onB = IntStream.range(0, 3).mapToObj(n -> checkpoint(id(VIP_B, n), "node-b", 2))
                .toList();
        onA.forEach(store::putIfNewer);
        onB.forEach(peer::putIfNewer);

        assertThat(peer.listByVip(VIP_A)).containsExactlyInAnyOrderElementsOf(onA);
        assertThat(store.listByVip(VIP_B)).containsExactlyInAnyOrderElementsOf(onB);
        assertThat(store.listByVip(ConnectionId.ipv4("10.9.9.9"))).isEmpty();

        store.remove(id(VIP_A, 0), 1);
        assertThat(store.listByVip(VIP_A)).containsExactlyInAnyOrderElementsOf(onA.subList(1, 5));
    }

    @Test
    void getAllReturnsOnlyStoredConnections() {
        store.putIfNewer(checkpoint(id(1), "node-a", 1));
        store.putIfNewer(checkpoint(id(VIP_B, 2), "node-a", 2));

        Map<ConnectionId, ConnectionCheckpoint> all = peer.getAll(List.of(id(1), id(VIP_B, 2), id(3)));

        assertThat(all).containsOnly(Map.entry(id(1), checkpoint(id(1), "node-a", 1)),
                Map.entry(id(VIP_B, 2), checkpoint(id(VIP_B, 2), "node-a", 2)));
        assertThat(store.getAll(List.of())).isEmpty();
    }

    // ---- claims ----

    @Test
    void claimOfAnUnknownConnectionFindsNothing() {
        assertThat(store.claim(id(1), "node-b")).isEqualTo(ClaimResult.NotFound.INSTANCE);
        assertThat(store.claimant(id(1))).isEmpty();
    }

    @Test
    void firstClaimantWinsAndLaterOnesLearnWho() {
        ConnectionCheckpoint c = checkpoint(id(1), "node-a", 3);
        store.putIfNewer(c);

        assertThat(store.claim(id(1), "node-b")).isEqualTo(new ClaimResult.Claimed(c));
        assertThat(peer.claim(id(1), "node-c")).isEqualTo(new ClaimResult.AlreadyClaimed("node-b"));
        assertThat(peer.claim(id(1), "node-b")).as("a retried claim").isEqualTo(new ClaimResult.Claimed(c));
        assertThat(peer.claimant(id(1))).contains("node-b");
    }

    @Test
    void claimFencesWritesFromOtherOwners() {
        store.putIfNewer(checkpoint(id(1), "node-a", 3));
        peer.claim(id(1), "node-b");

        assertThat(store.putIfNewer(checkpoint(id(1), "node-a", 4)))
                .as("the suspected owner is still writing").isEqualTo(new PutResult.Fenced(id(1), "node-b"));
        assertThat(store.putIfNewer(checkpoint(id(1), "node-c", 9))).isEqualTo(new PutResult.Fenced(id(1), "node-b"));
        assertThat(store.get(id(1)).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void claimantWritingUnderItsOwnNameTakesOwnershipAndEndsTheClaim() {
        store.putIfNewer(checkpoint(id(1), "node-a", 3));
        peer.claim(id(1), "node-b");

        assertThat(peer.putIfNewer(checkpoint(id(1), "node-b", 3))).as("still version-checked")
                .isEqualTo(new PutResult.Stale(id(1), 3));
        assertThat(store.claimant(id(1))).as("a refused write keeps the claim").contains("node-b");

        assertThat(peer.putIfNewer(checkpoint(id(1), "node-b", 4)).stored()).isTrue();
        assertThat(store.claimant(id(1))).isEmpty();
        assertThat(store.claim(id(1), "node-c")).as("claimable again, should node-b die")
                .isEqualTo(new ClaimResult.Claimed(checkpoint(id(1), "node-b", 4)));
    }

    @Test
    void removalEndsTheClaim() {
        store.putIfNewer(checkpoint(id(1), "node-a", 3));
        store.claim(id(1), "node-b");
        assertThat(peer.remove(id(1), 3)).isTrue();

        assertThat(store.claimant(id(1))).isEmpty();
        assertThat(store.putIfNewer(checkpoint(id(1), "node-a", 1)).stored()).as("no fence left").isTrue();
        assertThat(store.claim(id(1), "node-c")).isInstanceOf(ClaimResult.Claimed.class);
    }

    @Test
    void releaseEndsOnlyTheHoldersClaim() {
        store.putIfNewer(checkpoint(id(1), "node-a", 3));
        store.claim(id(1), "node-b");

        assertThat(store.release(id(1), "node-c")).isFalse();
        assertThat(store.claimant(id(1))).contains("node-b");
        assertThat(peer.release(id(1), "node-b")).isTrue();
        assertThat(store.claimant(id(1))).isEmpty();
        assertThat(store.release(id(1), "node-b")).isFalse();
        assertThat(store.release(id(2), "node-b")).as("absent").isFalse();
        assertThat(store.claim(id(1), "node-c")).isInstanceOf(ClaimResult.Claimed.class);
    }

    @Test
    void releaseClaimsFreesEverythingADepartedClaimantHeld() {
        for (int n = 0; n < 6; n++) {
            store.putIfNewer(checkpoint(id(n), "node-a", 1));
            store.claim(id(n), n % 2 == 0 ? "node-b" : "node-c");
        }

        assertThat(peer.releaseClaims("node-b")).isEqualTo(3);

        for (int n = 0; n < 6; n++) {
            assertThat(store.claimant(id(n))).as("connection %d", n)
                    .isEqualTo(n % 2 == 0 ? Optional.empty() : Optional.of("node-c"));
        }
        assertThat(store.releaseClaims("node-b")).isZero();
    }

    @Test
    void claimAllGivesEachConnectionTheOutcomeClaimWould() {
        ConnectionCheckpoint free = checkpoint(id(1), "node-a", 1);
        ConnectionCheckpoint mine = checkpoint(id(2), "node-a", 1);
        ConnectionCheckpoint theirs = checkpoint(id(3), "node-a", 1);
        store.putIfNewer(free);
        store.putIfNewer(mine);
        store.putIfNewer(theirs);
        store.claim(id(2), "node-b");
        store.claim(id(3), "node-c");

        Map<ConnectionId, ClaimResult> results = peer.claimAll(List.of(id(1), id(2), id(3), id(4), id(1)), "node-b");

        assertThat(results).containsOnly(
                Map.entry(id(1), new ClaimResult.Claimed(free)),
                Map.entry(id(2), new ClaimResult.Claimed(mine)),
                Map.entry(id(3), new ClaimResult.AlreadyClaimed("node-c")),
                Map.entry(id(4), ClaimResult.NotFound.INSTANCE));
        assertThat(store.claimant(id(1))).contains("node-b");
        assertThat(store.claimant(id(3))).contains("node-c");
        assertThat(store.claimAll(List.of(), "node-b")).isEmpty();
    }

    @Test
    void concurrentClaimAllsAwardEachConnectionToExactlyOneNode() throws Exception {
        List<ConnectionId> ids = IntStream.range(0, 60).mapToObj(CheckpointFixtures::id).toList();
        ids.forEach(id -> store.putIfNewer(checkpoint(id, "node-a", 1)));
        int claimers = 4;

        List<Map<ConnectionId, ClaimResult>> results = runConcurrently(claimers, t -> {
            CheckpointStore s = t % 2 == 0 ? store : peer;
            List<ConnectionId> order = new ArrayList<>(ids);
            java.util.Collections.shuffle(order, new java.util.Random(t));
            for (int attempt = 0; ; attempt++) {
                try {
                    return s.claimAll(order, "claimer-" + t);
                } catch (CheckpointStoreException e) {
                    if (attempt == 20) {
                        throw e; // contention may time a lock out; the contract says retry
                    }
                }
            }
        });

        for (ConnectionId id : ids) {
            List<Integer> winners = IntStream.range(0, claimers)
                    .filter(t -> results.get(t).get(id) instanceof ClaimResult.Claimed).boxed().toList();
            assertThat(winners).as("claimers of %s", id).hasSize(1);
            String winner = "claimer-" + winners.get(0);
            assertThat(store.claimant(id)).contains(winner);
            IntStream.range(0, claimers).filter(t -> t != winners.get(0)).forEach(t ->
                    assertThat(results.get(t).get(id)).isEqualTo(new ClaimResult.AlreadyClaimed(winner)));
        }
    }

    // ---- bundles ----

    @Test
    void bundleStoresEveryEntry() {
        Bundle b = Bundle.of("ftp-1", checkpoint(id(1), "node-a", 1), checkpoint(id(2), "node-a", 1));

        assertThat(store.putBundle(b)).isEqualTo(PutResult.Stored.INSTANCE);
        assertThat(peer.getAll(b.ids())).containsOnly(Map.entry(id(1), b.checkpoints().get(0)),
                Map.entry(id(2), b.checkpoints().get(1)));
    }

    @Test
    void bundleWithOneStaleEntryStoresNothing() {
        store.putIfNewer(checkpoint(id(2), "node-a", 5));
        Bundle b = Bundle.of("ftp-1", checkpoint(id(1), "node-a", 1), checkpoint(id(2), "node-a", 5),
                checkpoint(id(3), "node-a", 1));

        assertThat(peer.putBundle(b)).isEqualTo(new PutResult.Stale(id(2), 5));
        assertThat(store.getAll(b.ids())).containsOnlyKeys(id(2));
        assertThat(store.get(id(2)).orElseThrow().version()).isEqualTo(5);
    }

    @Test
    void bundleReportsTheFirstFailingEntryInOrder() {
        store.putIfNewer(checkpoint(id(2), "node-a", 5));
        store.putIfNewer(checkpoint(id(3), "node-a", 5));
        store.claim(id(3), "node-b");

        assertThat(store.putBundle(Bundle.of("b", checkpoint(id(3), "node-a", 9), checkpoint(id(2), "node-a", 1))))
                .isEqualTo(new PutResult.Fenced(id(3), "node-b"));
        assertThat(store.putBundle(Bundle.of("b", checkpoint(id(2), "node-a", 1), checkpoint(id(3), "node-a", 9))))
                .isEqualTo(new PutResult.Stale(id(2), 5));
        assertThat(store.get(id(3)).orElseThrow().version()).isEqualTo(5);
    }

    // ---- listeners ----

    @Test
    void listenerSeesStoresAndRemovalsInOrder() {
        Recorder events = new Recorder();
        store.addListener(events);
        ConnectionCheckpoint v1 = checkpoint(id(1), "node-a", 1);
        ConnectionCheckpoint v2 = checkpoint(id(1), "node-a", 2);

        peer.putIfNewer(v1);
        peer.putIfNewer(v2);
        peer.remove(id(1), 2);

        assertThat(events.next()).isEqualTo(new CheckpointEvent.Stored(v1));
        assertThat(events.next()).isEqualTo(new CheckpointEvent.Stored(v2));
        assertThat(events.next()).isEqualTo(new CheckpointEvent.Removed(id(1), 2));
    }

    @Test
    void refusedWritesProduceNoEvent() {
        store.putIfNewer(checkpoint(id(1), "node-a", 5));
        store.putIfNewer(checkpoint(id(9), "node-a", 5));
        store.claim(id(9), "node-b");
        Recorder events = new Recorder();
        store.addListener(events);

        store.putIfNewer(checkpoint(id(1), "node-a", 4));                                    // stale
        store.putIfNewer(checkpoint(id(9), "node-a", 6));                                    // fenced
        store.remove(id(1), 4);                                                              // too old
        store.putBundle(Bundle.of("b", checkpoint(id(2), "node-a", 1), checkpoint(id(1), "node-a", 1)));
        store.claim(id(1), "node-c");                                                        // claims are silent
        ConnectionCheckpoint marker = checkpoint(id(3), "node-a", 1);
        store.putIfNewer(marker);

        assertThat(events.next()).isEqualTo(new CheckpointEvent.Stored(marker));
    }

    @Test
    void bundleProducesOneEventPerEntryInBundleOrder() {
        Recorder events = new Recorder();
        store.addListener(events);
        Bundle b = Bundle.of("ftp", checkpoint(id(7), "node-a", 1), checkpoint(id(3), "node-a", 1),
                checkpoint(id(5), "node-a", 1));

        peer.putBundle(b);

        List<CheckpointEvent> got = List.of(events.next(), events.next(), events.next());
        assertThat(got).containsExactly(b.checkpoints().stream()
                .map(CheckpointEvent.Stored::new).toArray(CheckpointEvent[]::new));
    }

    @Test
    void closedRegistrationGetsNoMoreEvents() {
        Recorder closed = new Recorder();
        Recorder open = new Recorder();
        Registration r = store.addListener(closed);
        store.addListener(open);

        r.close();
        r.close(); // idempotent
        ConnectionCheckpoint c = checkpoint(id(1), "node-a", 1);
        store.putIfNewer(c);

        assertThat(open.next()).isEqualTo(new CheckpointEvent.Stored(c));
        assertThat(closed.queue).isEmpty();
    }

    @Test
    void failingListenerAffectsNeitherTheWriteNorOtherListeners() {
        store.addListener(e -> {
            throw new IllegalStateException("listener bug (expected in this test)");
        });
        Recorder events = new Recorder();
        store.addListener(events);
        ConnectionCheckpoint c = checkpoint(id(1), "node-a", 1);

        assertThat(store.putIfNewer(c).stored()).isTrue();
        assertThat(events.next()).isEqualTo(new CheckpointEvent.Stored(c));
        assertThat(store.get(id(1))).contains(c);
    }

    @Test
    void listenerMayCallBackIntoTheStore() {
        BlockingQueue<ConnectionCheckpoint> seen = new LinkedBlockingQueue<>();
        store.addListener(e -> {
            if (e instanceof CheckpointEvent.Stored s && s.checkpoint().version() < 3) {
                seen.add(store.get(s.id()).orElseThrow());
                store.putIfNewer(checkpoint(s.id(), "node-a", s.checkpoint().version() + 1));
            }
        });

        store.putIfNewer(checkpoint(id(1), "node-a", 1));

        assertThat(List.of(take(seen), take(seen))).extracting(ConnectionCheckpoint::version)
                .containsExactly(1L, 2L);
        Recorder marker = new Recorder();
        store.addListener(marker);
        store.putIfNewer(checkpoint(id(2), "node-a", 9));
        marker.next(); // the chain of writes has settled once a later event has been delivered
        assertThat(store.get(id(1)).orElseThrow().version()).isEqualTo(3);
    }

    // ---- arguments and lifecycle ----

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> store.putIfNewer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.putBundle(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.remove(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.listByVip(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.claim(id(1), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.addListener(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void emptyNodeNamesAreRejected() {
        assertThatThrownBy(() -> store.claim(id(1), "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("claimant");
        assertThatThrownBy(() -> store.releaseClaims("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedStoreRefusesEveryOperation() {
        CheckpointStore other = newStore();
        other.close();
        other.close(); // idempotent

        List<Runnable> ops = List.of(
                () -> other.putIfNewer(checkpoint(id(1), "node-a", 1)),
                () -> other.putBundle(Bundle.of("b", checkpoint(id(1), "node-a", 1))),
                () -> other.remove(id(1), 1),
                () -> other.get(id(1)),
                () -> other.getAll(List.of(id(1))),
                () -> other.listByVip(VIP_A),
                () -> other.claim(id(1), "node-b"),
                () -> other.claimant(id(1)),
                () -> other.release(id(1), "node-b"),
                () -> other.releaseClaims("node-b"),
                () -> other.addListener(e -> { }));
        for (Runnable op : ops) {
            assertThatThrownBy(op::run).isInstanceOf(IllegalStateException.class);
        }
    }

    // ---- concurrency ----

    @Test
    void concurrentWritersLeaveTheHighestVersion() throws Exception {
        int threads = 6;
        int idsCount = 8;
        int writesPerThread = 1500;
        Map<ConnectionId, AtomicLong> highestOffered = new ConcurrentHashMap<>();
        Map<ConnectionId, AtomicLong> highestStored = new ConcurrentHashMap<>();
        for (int n = 0; n < idsCount; n++) {
            highestOffered.put(id(n), new AtomicLong(-1));
            highestStored.put(id(n), new AtomicLong(-1));
        }

        runConcurrently(threads, t -> {
            CheckpointStore s = t % 2 == 0 ? store : peer;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < writesPerThread; i++) {
                ConnectionId id = id(random.nextInt(idsCount));
                long version = random.nextLong(10_000);
                highestOffered.get(id).accumulateAndGet(version, Math::max);
                PutResult r = s.putIfNewer(checkpoint(id, "node-a", version));
                switch (r) {
                    case PutResult.Stored ok -> highestStored.get(id).accumulateAndGet(version, Math::max);
                    case PutResult.Stale stale -> assertThat(stale.currentVersion()).isGreaterThanOrEqualTo(version);
                    case PutResult.Fenced f -> throw new AssertionError("no claims in this test: " + f);
                }
            }
            return null;
        });

        for (int n = 0; n < idsCount; n++) {
            long max = highestOffered.get(id(n)).get();
            assertThat(store.get(id(n)).orElseThrow().version()).as("connection %d", n).isEqualTo(max);
            assertThat(highestStored.get(id(n)).get()).as("the max was a Stored write").isEqualTo(max);
        }
    }

    @Test
    void exactlyOneOfManyConcurrentClaimantsWins() throws Exception {
        int rounds = 20;
        int claimants = 8;
        for (int round = 0; round < rounds; round++) {
            ConnectionId id = id(round);
            ConnectionCheckpoint c = checkpoint(id, "node-dead", 4);
            store.putIfNewer(c);
            List<ClaimResult> results = runConcurrently(claimants,
                    t -> (t % 2 == 0 ? store : peer).claim(id, "node-" + t));

            List<String> winners = new ArrayList<>();
            for (int t = 0; t < claimants; t++) {
                if (results.get(t) instanceof ClaimResult.Claimed claimed) {
                    assertThat(claimed.checkpoint()).isEqualTo(c);
                    winners.add("node-" + t);
                }
            }
            assertThat(winners).as("round %d: %s", round, results).hasSize(1);
            assertThat(results).filteredOn(ClaimResult.AlreadyClaimed.class::isInstance)
                    .hasSize(claimants - 1)
                    .allSatisfy(r -> assertThat(((ClaimResult.AlreadyClaimed) r).byNode()).isEqualTo(winners.get(0)));
            assertThat(store.claimant(id)).contains(winners.get(0));
        }
    }

    @Test
    void concurrentReadersNeverSeePartOfABundle() throws Exception {
        List<ConnectionId> members = List.of(id(1), id(2), id(VIP_B, 3));
        AtomicLong versions = new AtomicLong();
        int writers = 3;
        AtomicInteger writersLeft = new AtomicInteger(writers);
        AtomicLong bundlesStored = new AtomicLong();
        int bundlesPerWriter = 600;

        List<Object> outcome = runConcurrently(writers + 2, t -> {
            if (t < writers) {
                try {
                    CheckpointStore s = t % 2 == 0 ? store : peer;
                    for (int i = 0; i < bundlesPerWriter; i++) {
                        // Versions race: a writer that drew a lower number than another must be refused entirely.
                        long v = versions.incrementAndGet();
                        List<ConnectionCheckpoint> cs = members.stream().map(m -> checkpoint(m, "node-a", v)).toList();
                        if (s.putBundle(new Bundle("b-" + t + "-" + i, cs)).stored()) {
                            bundlesStored.incrementAndGet();
                        }
                    }
                } finally {
                    writersLeft.decrementAndGet();
                }
                return null;
            }
            CheckpointStore s = t % 2 == 0 ? store : peer;
            long reads = 0;
            do {
                Map<ConnectionId, ConnectionCheckpoint> seen = s.getAll(members);
                Set<Long> seenVersions = new HashSet<>();
                seen.values().forEach(c -> seenVersions.add(c.version()));
                if (!seen.isEmpty()) {
                    assertThat(seen).as("a bundle is all or nothing").hasSize(members.size());
                    assertThat(seenVersions).as("entries of one bundle: %s", seen).hasSize(1);
                }
                reads++;
            } while (writersLeft.get() > 0);
            return reads;
        });

        assertThat(outcome).hasSize(writers + 2);
        assertThat(bundlesStored.get()).isPositive();
        Map<ConnectionId, ConnectionCheckpoint> last = store.getAll(members);
        assertThat(last.values()).extracting(ConnectionCheckpoint::version).containsOnly(last.get(id(1)).version());
    }

    // ---- helpers ----

    /** Runs {@code task(0..n-1)} on n threads released together; returns results in thread order. */
    protected static <T> List<T> runConcurrently(int n, ThrowingTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CyclicBarrier start = new CyclicBarrier(n);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int index = t;
                Callable<T> call = () -> {
                    start.await();
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(5, TimeUnit.MINUTES)); // a hang guard, not a speed requirement
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A task of {@link #runConcurrently}. */
    @FunctionalInterface
    protected interface ThrowingTask<T> {
        T run(int thread) throws Exception;
    }

    private static <T> T take(BlockingQueue<T> queue) {
        try {
            T t = queue.poll(EVENT_WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(t).as("expected an event within %d s", EVENT_WAIT_SECONDS).isNotNull();
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Records events for a test to take in order. */
    protected static final class Recorder implements CheckpointListener {
        final BlockingQueue<CheckpointEvent> queue = new LinkedBlockingQueue<>();

        @Override
        public void onEvent(CheckpointEvent event) {
            queue.add(event);
        }

        /** The next event, waiting for it if needed. */
        public CheckpointEvent next() {
            return take(queue);
        }
    }
}
