package dev.takeover.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.takeover.kernel.Capabilities;
import dev.takeover.probe.ProbeOutcome;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rehearsal against the real kernel, on this host's loopback: it needs the privileges of a takeover. */
class TakeoverRehearsalTest {

    @BeforeAll
    static void privileged() {
        Capabilities caps = Capabilities.detect();
        assumeTrue(caps.tcpRepair() && caps.rawSockets(), "needs CAP_NET_ADMIN and CAP_NET_RAW: " + caps.summary());
    }

    @Test
    void theKernelAnswersTheProbeWithAResetAndTheRebuiltSocketLeavesNothingBehind() throws Exception {
        for (int run = 1; run <= 2; run++) { // the second finds the four-tuple free again
            TakeoverRehearsal.Result result = TakeoverRehearsal.run();

            assertThat(result.outcomes()).as("run %d", run).singleElement()
                    .isInstanceOfSatisfying(ProbeOutcome.ClientReset.class, r -> assertThat(r.checkpoint().id().key())
                            .isEqualTo("127.0.0.1:9-127.0.0.1:10"));
            assertThat(socketsOnTheRehearsalPort()).as("sockets between ports 9 and 10 after run %d", run).isEmpty();
        }
    }

    @Test
    void manyMadeUpConnectionsAreEachProbedAndRebuiltAndLeaveNoSocketBehind() throws Exception {
        int connections = 300;
        for (int run = 1; run <= 2; run++) {
            TakeoverRehearsal.Result result = TakeoverRehearsal.run(connections);

            assertThat(result.outcomes()).as("run %d", run).hasSize(connections)
                    .allSatisfy(o -> assertThat(o).isInstanceOf(ProbeOutcome.ClientReset.class))
                    .extracting(o -> o.checkpoint().id().clientPort()).doesNotHaveDuplicates()
                    .allSatisfy(port -> assertThat(port).isBetween(TakeoverRehearsal.MANY_CLIENT_PORT,
                            TakeoverRehearsal.MANY_CLIENT_PORT + connections - 1));
            assertThat(sockets("( sport = :9 and dport >= :" + TakeoverRehearsal.MANY_CLIENT_PORT + " )"))
                    .as("sockets of the made-up connections after run %d", run).isEmpty();
        }
        assertThatThrownBy(() -> TakeoverRehearsal.run(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TakeoverRehearsal.run(TakeoverRehearsal.MAX_CONNECTIONS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWarmUpRunsBatchesUntilToldToStopAndLeavesNoSocketBehind() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        // On a thread of its own: the warm-up lowers its caller's priority.
        Thread warming = Thread.ofPlatform().start(() -> {
            try {
                TakeoverRehearsal.warm(1_200, () -> asked.incrementAndGet() > 1); // one batch, then stop
            } catch (Exception e) {
                failed.set(e);
            }
        });
        warming.join(60_000);

        assertThat(failed.get()).isNull();
        assertThat(asked).as("asked before the first and the second batch, not the third").hasValue(2);
        assertThat(sockets("( sport = :9 and dport >= :" + TakeoverRehearsal.MANY_CLIENT_PORT + " )")).isEmpty();
    }

    /** {@code ss} lines of TCP sockets, in any state but listening, of the rehearsal's four-tuple. */
    private static String socketsOnTheRehearsalPort() throws IOException, InterruptedException {
        return sockets("( sport = :9 and dport = :10 )");
    }

    /** {@code ss} lines of TCP sockets, in any state but listening, that {@code filter} selects. */
    private static String sockets(String filter) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-t", "-n", "-H", "state", "all", "exclude", "listening",
                filter).redirectErrorStream(true).start();
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(ss.getInputStream().readAllBytes()).strip();
        assertThat(ss.exitValue()).as(out).isZero();
        return out;
    }
}
