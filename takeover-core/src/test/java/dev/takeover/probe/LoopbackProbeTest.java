package dev.takeover.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.takeover.checkpoint.ConnectionCheckpoint;
import dev.takeover.checkpoint.ConnectionId;
import dev.takeover.checkpoint.HttpLayer;
import dev.takeover.checkpoint.IpLayer;
import dev.takeover.checkpoint.TcpLayer;
import dev.takeover.kernel.Capabilities;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probe against the real kernel, on this host's loopback, with many connections at once: every segment goes out
 * through the raw socket's one reused buffer and every answer comes in through the capture's, as in a takeover of
 * thousands. Made-up connections that no socket holds, from port 11 to ports no test listens on: the kernel answers
 * each with a RST.
 */
class LoopbackProbeTest {
    private static final Inet4Address LOOPBACK = (Inet4Address) InetAddress.getLoopbackAddress();
    private static final int CONNECTIONS = 400;

    @BeforeAll
    static void privileged() {
        Capabilities caps = Capabilities.detect();
        assumeTrue(caps.rawSockets(), "needs CAP_NET_RAW: " + caps.summary());
    }

    @Test
    void everyConnectionOfALargeProbeGetsExactlyItsOwnAnswer() throws Exception {
        List<ConnectionCheckpoint> made = IntStream.range(0, CONNECTIONS).mapToObj(i -> {
            ConnectionId id = new ConnectionId(LOOPBACK, 11, LOOPBACK, 41000 + i);
            TcpLayer tcp = new TcpLayer(1000 + i, 5000 + i, 1448, true, 7, 7, true, true, 1, 1_000L, TcpLayer.UNKNOWN);
            return new ConnectionCheckpoint("n2", 1, 1_000L, IpLayer.of(id), tcp, new HttpLayer.Idle(0, 0, 0));
        }).toList();
        List<ProbeOutcome> outcomes = new ArrayList<>();
        String rounds;

        try (OldSequenceProbe probe = OldSequenceProbe.open("lo", LOOPBACK)) {
            probe.probe(made, outcomes::add);
            rounds = probe.rounds();
        }

        assertThat(outcomes).hasSize(CONNECTIONS).allSatisfy(o -> assertThat(o).isInstanceOf(ProbeOutcome.ClientReset.class));
        assertThat(outcomes).extracting(o -> o.checkpoint().id()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(made.stream().map(ConnectionCheckpoint::id).toList());
        assertThat(rounds).as("one round: every client answered it").startsWith("[" + CONNECTIONS + " sent in ")
                .contains(", " + CONNECTIONS + " answered, ").doesNotContain("][");
    }
}
