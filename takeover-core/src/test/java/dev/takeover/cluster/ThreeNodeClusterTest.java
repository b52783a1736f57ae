package dev.takeover.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.takeover.cluster.NodeProcess.Observed;
import dev.takeover.config.CheckpointConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three cluster nodes, each in its own JVM ({@link ClusterNodeMain}), driven over their standard input and output.
 *
 * <p>The first tests share one cluster on loopback addresses 127.0.0.1-3 and run in order: the cluster forms,
 * checkpoints replicate, versions and removals hold across nodes, claims have one winner, then a node is killed
 * ({@code SIGKILL}) and restarted, and leaves cleanly. The last test builds its own cluster in network namespaces
 * (as root; skipped otherwise) and cuts one node's link. Detection times are printed (not asserted: speed belongs
 * in {@code REPLICATION.md}); the waits are hang guards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterTest {

    private Path dir;
    private Path clusterFile;
    private NodeProcess n1;
    private NodeProcess n2;
    private NodeProcess n3;

    @BeforeAll
    void startLoopbackCluster() throws IOException {
        dir = Files.createDirectories(Path.of("target", "cluster-test", "loopback-" + System.currentTimeMillis()));
        List<String> addresses = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
        clusterFile = TestClusters.write(dir, TestClusters.yaml("loop-" + ProcessHandle.current().pid(), addresses,
                8, "lo", TestClusters.freePort(addresses), CheckpointConfig.Replication.SYNC,
                TestClusters.testFailureDetection()));
        // One after the other: nodes started at the same instant may form separate clusters until they merge.
        n1 = NodeProcess.start(List.of(), clusterFile, "n1", dir);
        n2 = NodeProcess.start(List.of(), clusterFile, "n2", dir);
        n3 = NodeProcess.start(List.of(), clusterFile, "n3", dir);
        for (NodeProcess n : List.of(n1, n2, n3)) {
            n.awaitViewSize(3);
        }
    }

    @AfterAll
    void stopLoopbackCluster() {
        for (NodeProcess n : new NodeProcess[] {n3, n2, n1}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    @Order(1)
    void threeProcessesFormOneClusterWithAMajority() {
        List<String> view = n1.view();
        assertThat(view.get(1)).isEqualTo("n1,n2,n3");
        for (NodeProcess n : List.of(n1, n2, n3)) {
            assertThat(n.view()).as(n.name).containsExactly(view.get(0), "n1,n2,n3", "true", "true");
        }
        assertThat(n1.events()).extracting(Observed::type, Observed::node)
                .containsSubsequence(org.assertj.core.groups.Tuple.tuple("Joined", "n2"),
                        org.assertj.core.groups.Tuple.tuple("MajorityRegained", null),
                        org.assertj.core.groups.Tuple.tuple("Joined", "n3"));
    }

    @Test
    @Order(2)
    void aCheckpointWrittenOnOneNodeIsReadableOnTheOthers() {
        assertThat(n1.send("put 1 n1 5")).isEqualTo("Stored");

        assertThat(n2.send("get 1")).isEqualTo("5 n1");
        assertThat(n3.send("get 1")).isEqualTo("5 n1");
        assertThat(n3.send("get 2")).isEqualTo("none");
    }

    @Test
    @Order(3)
    void anOlderVersionNeverOverwritesANewerOneFromAnyNode() {
        assertThat(n2.send("put 1 n1 4")).isEqualTo("Stale 5");
        assertThat(n3.send("put 1 n1 5")).isEqualTo("Stale 5");
        assertThat(n1.send("get 1")).isEqualTo("5 n1");

        assertThat(n3.send("put 1 n1 6")).isEqualTo("Stored");
        assertThat(n1.send("put 1 n1 5")).isEqualTo("Stale 6");
        assertThat(n2.send("get 1")).isEqualTo("6 n1");
    }

    @Test
    @Order(4)
    void aRemovedCheckpointDisappearsEverywhere() {
        assertThat(n2.send("remove 1 5")).as("a late removal of an older version").isEqualTo("false");
        assertThat(n1.send("get 1")).isEqualTo("6 n1");

        assertThat(n3.send("remove 1 6")).isEqualTo("true");
        for (NodeProcess n : List.of(n1, n2, n3)) {
            assertThat(n.send("get 1")).as(n.name).isEqualTo("none");
        }
    }

    @Test
    @Order(5)
    void oneNodeWinsAClaimAndFencesTheOldOwner() {
        assertThat(n3.send("put 2 n3 1")).isEqualTo("Stored");

        assertThat(n2.send("claim 2 n2")).isEqualTo("Claimed 1");
        assertThat(n1.send("claim 2 n1")).isEqualTo("AlreadyClaimed n2");
        assertThat(n3.send("put 2 n3 2")).as("the old owner is fenced").isEqualTo("Fenced n2");
        assertThat(n2.send("put 2 n2 2")).isEqualTo("Stored");
        assertThat(n1.send("get 2")).isEqualTo("2 n2");
    }

    @Test
    @Order(6)
    void killingANodesProcessIsReportedAsACrashOnTheSurvivors() {
        long viewBefore = lastViewId(n1);
        long killedAt = System.currentTimeMillis();
        n3.kill();

        for (NodeProcess survivor : List.of(n1, n2)) {
            Observed left = survivor.awaitEvent("Left n3",
                    e -> e.type().equals("Left") && "n3".equals(e.node()) && e.viewId() > viewBefore);
            assertThat(left.crashed()).as("%s: crashed", survivor.name).isTrue();
            assertThat(left.members()).containsExactly("n1", "n2");
            System.out.printf("kill -9 of n3 (loopback): %s saw Left(n3, crashed) after %d ms%n", survivor.name,
                    left.epochMillis() - killedAt);
        }
        assertThat(n1.view()).containsExactly(n1.view().get(0), "n1,n2", "true", "true");
        assertThat(n2.send("get 2")).as("the survivors keep every checkpoint").isEqualTo("2 n2");
        assertThat(n1.events()).filteredOn(e -> e.viewId() > viewBefore)
                .noneMatch(e -> e.type().equals("MinorityEntered"));
    }

    @Test
    @Order(7)
    void aRestartedNodeJoinsAgainAndACleanLeaveIsNoCrash() {
        long before = lastViewId(n1);
        n3 = NodeProcess.start(List.of(), clusterFile, "n3", dir);
        n1.awaitEvent("Joined n3", e -> e.type().equals("Joined") && "n3".equals(e.node()) && e.viewId() > before);
        assertThat(n3.send("get 2")).as("state transferred to the joiner").isEqualTo("2 n2");

        long joined = lastViewId(n1);
        n3.close();
        for (NodeProcess survivor : List.of(n1, n2)) {
            Observed left = survivor.awaitEvent("Left n3 again",
                    e -> e.type().equals("Left") && "n3".equals(e.node()) && e.viewId() > joined);
            assertThat(left.crashed()).as("%s: crashed", survivor.name).isFalse();
        }
    }

    @Test
    @Order(8)
    void cuttingANodesLinkIsReportedOnBothSidesAndTheCutNodeKnowsItIsTheMinority() throws IOException {
        assumeTrue(Netns.available(), "needs root and the ip tool for network namespaces");
        Path nsDir = Files.createDirectories(Path.of("target", "cluster-test", "netns-" + System.currentTimeMillis()));
        try (Netns net = Netns.create(3)) {
            Path file = TestClusters.write(nsDir, TestClusters.yaml("cut-" + ProcessHandle.current().pid(),
                    net.addresses(), 24, "eth0", 7800, CheckpointConfig.Replication.SYNC,
                    TestClusters.testFailureDetection()));
            try (NodeProcess m1 = NodeProcess.start(net.exec(1), file, "n1", nsDir);
                    NodeProcess m2 = NodeProcess.start(net.exec(2), file, "n2", nsDir);
                    NodeProcess m3 = NodeProcess.start(net.exec(3), file, "n3", nsDir)) {
                for (NodeProcess m : List.of(m1, m2, m3)) {
                    m.awaitViewSize(3);
                }
                assertThat(m3.send("put 1 n3 1")).isEqualTo("Stored");

                long viewBefore = lastViewId(m1);
                long cutAt = System.currentTimeMillis();
                net.link(3, false);

                for (NodeProcess survivor : List.of(m1, m2)) {
                    Observed left = survivor.awaitEvent("Left n3",
                            e -> e.type().equals("Left") && "n3".equals(e.node()) && e.viewId() > viewBefore);
                    assertThat(left.crashed()).isTrue();
                    System.out.printf("link cut of n3: %s saw Left(n3, crashed) after %d ms%n", survivor.name,
                            left.epochMillis() - cutAt);
                }
                Observed minority = m3.awaitEvent("MinorityEntered",
                        e -> e.type().equals("MinorityEntered") && e.epochMillis() >= cutAt);
                assertThat(minority.members()).containsExactly("n3");
                System.out.printf("link cut of n3: n3 saw MinorityEntered after %d ms%n",
                        minority.epochMillis() - cutAt);
                assertThat(m3.view()).as("n3 knows it is the minority").containsSubsequence("n3", "false");
                assertThat(m1.view()).containsSubsequence("n1,n2", "true");

                // The minority does not act: once its cache has gone degraded, it refuses every write.
                awaitAnswer(m3, "n3's checkpoint cache degraded", () -> m3.view().get(3), "false");
                assertThat(m3.send("put 1 n3 2")).startsWith("err ").contains("majority");
                assertThat(m1.send("put 1 n1 7")).as("the majority goes on").isEqualTo("Stored");

                long healAt = System.currentTimeMillis();
                net.link(3, true);
                Observed regained = m3.awaitEvent("MajorityRegained after the merge",
                        e -> e.type().equals("MajorityRegained") && e.viewId() > minority.viewId());
                m3.awaitEvent("Merged", e -> e.type().equals("Merged") && e.viewId() > minority.viewId());
                System.out.printf("link restored: n3 saw the merge after %d ms%n", regained.epochMillis() - healAt);
                awaitAnswer(m3, "n3's cache available again", () -> m3.view().get(3), "true");
                // Conflict resolution runs after the merge: n3's stale replica converges to the majority's entry.
                awaitAnswer(m3, "the majority's write reaches n3", () -> m3.send("get 1"), "7 n1");
                assertThat(m2.send("get 1")).isEqualTo("7 n1");
            }
        }
    }

    private static long lastViewId(NodeProcess n) {
        return Long.parseLong(n.view().get(0));
    }

    /**
     * Asks {@code node} until {@code answer} gives {@code expected}; the bound is a hang guard, and a failure shows
     * the last answer and the node's log.
     */
    private static void awaitAnswer(NodeProcess node, String what, Supplier<String> answer, String expected) {
        long deadline = System.nanoTime() + NodeProcess.HANG_GUARD.toNanos();
        String last;
        while (!(last = answer.get()).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + NodeProcess.HANG_GUARD + ": " + what + "; last answer '"
                        + last + "', expected '" + expected + "'\n" + node.logTail());
            }
            try {
                Thread.sleep(Duration.ofMillis(50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
